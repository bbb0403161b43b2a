// Golden transcripts for faults other POP3 servers shipped: unstuffed RETR and TOP
// output, sizes that do not match the octets sent, unstable UIDL ids, early deletion,
// and cleartext commands run after STLS.
#include "tests/unit/pop3/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::pop3;
using namespace skrynka::pop3::testing;

namespace {

const std::string login = "USER alice@example.org\r\nPASS secret\r\n";

// Removes the first line and the terminator of a multi-line response and undoes the
// byte-stuffing, as a client does.
std::string unstuff_response(const std::string& response) {
    const std::size_t first_line_end = response.find("\r\n");
    REQUIRE(response.size() >= first_line_end + 2 + 3);
    REQUIRE(response.substr(response.size() - 3) == ".\r\n");
    const std::string body =
        response.substr(first_line_end + 2, response.size() - 3 - first_line_end - 2);
    std::string content;
    std::size_t start = 0;
    while (start < body.size()) {
        std::size_t end = body.find('\n', start);
        end = end == std::string::npos ? body.size() : end + 1;
        std::string line = body.substr(start, end - start);
        if (!line.empty() && line[0] == '.') {
            line.erase(0, 1);
        }
        content += line;
        start = end;
    }
    return content;
}

} // namespace

TEST_CASE("dot lines are stuffed in RETR and TOP") {
    driver d;
    d.store.add(fx_dots);
    d.send(login);
    CHECK(d.send("LIST 1\r\n") == "+OK 1 40\r\n");
    CHECK(d.send("RETR 1\r\n") == "+OK 40 octets\r\n"
                                  "Subject: dots\r\n"
                                  "\r\n"
                                  "..first\r\n"
                                  "..\r\n"
                                  "...two\r\n"
                                  "end\r\n"
                                  ".\r\n");
    CHECK(d.send("TOP 1 2\r\n") == "+OK Top of message follows\r\n"
                                   "Subject: dots\r\n"
                                   "\r\n"
                                   "..first\r\n"
                                   "..\r\n"
                                   ".\r\n");
    CHECK(d.send("TOP 1 0\r\n") == "+OK Top of message follows\r\n"
                                   "Subject: dots\r\n"
                                   "\r\n"
                                   ".\r\n");
    CHECK(unstuff_response(d.send("RETR 1\r\n")) == fx_dots);
}

TEST_CASE("dot lines are stuffed across read pieces") {
    driver d;
    std::string body;
    while (body.size() < 5 * 1024 * 1024) {
        body += "." + std::string(97, 'x') + "\r\n";
    }
    const std::string message = "Subject: many dots\r\n\r\n" + body;
    d.store.add(message);
    d.send(login);
    const std::string response = d.send("RETR 1\r\n");
    CHECK(unstuff_response(response) == message);
}

TEST_CASE("sizes count the stored CRLF octets") {
    driver d;
    d.store.add(fx_append);
    d.store.add(fx_dots);
    d.store.add(fx_p);
    d.send(login);
    CHECK(d.send("STAT\r\n") == "+OK 3 219\r\n");
    CHECK(d.send("LIST\r\n") == "+OK 3 messages (219 octets)\r\n1 153\r\n2 40\r\n3 26\r\n.\r\n");
    std::size_t total = 0;
    for (int n = 1; n <= 3; ++n) {
        total += unstuff_response(d.send("RETR " + std::to_string(n) + "\r\n")).size();
    }
    CHECK(total == 219);
}

TEST_CASE("deletion waits for QUIT") {
    auto store = std::make_shared<fake_store>();
    store->add(fx_append);
    store->add(fx_dots);
    store->add(fx_p);
    {
        driver first(make_config(), store);
        first.send(login);
        CHECK(first.send("DELE 2\r\n") == "+OK Message 2 deleted\r\n");
    }
    CHECK(store->removals.empty());

    driver second(make_config(), store);
    second.send(login);
    CHECK(second.send("UIDL\r\n") == "+OK Unique-id listing follows\r\n"
                                     "1 1700000000.1\r\n2 1700000000.2\r\n3 1700000000.3\r\n"
                                     ".\r\n");
    second.send("DELE 2\r\nQUIT\r\n");
    REQUIRE(store->removals.size() == 1);
    CHECK(store->removals[0] == std::vector<std::size_t>{1});
}

TEST_CASE("cleartext after STLS is never executed") {
    driver d(make_config(false));
    CHECK(d.send("STLS\r\nUSER alice@example.org\r\n") == "+OK Begin TLS negotiation\r\n");
    CHECK(d.step == next_step::start_tls);
    d.engine.tls_started();
    CHECK(d.send("PASS secret\r\n") == "-ERR Send USER first\r\n");
    CHECK(d.accounts.names.empty());
}

TEST_CASE("cleartext after STLS variants") {
    for (const char* stls : {"stls\r\n", "STLS  \r\n", "StLs\n"}) {
        driver d(make_config(false));
        CHECK(d.send(std::string(stls) + "USER alice@example.org\r\nPASS secret\r\n") ==
              "+OK Begin TLS negotiation\r\n");
        d.engine.tls_started();
        CHECK(d.send("STAT\r\n") == "-ERR Command not valid in this state\r\n");
        CHECK(d.accounts.names.empty());
    }
}

TEST_CASE("USER before STLS is forgotten") {
    driver d;
    CHECK(d.send("USER alice@example.org\r\n") == "+OK Send PASS\r\n");
    d.send("STLS\r\n");
    d.engine.tls_started();
    CHECK(d.send("PASS secret\r\n") == "-ERR Send USER first\r\n");
}
