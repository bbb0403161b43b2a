// Golden transcripts of the POP3 session engine: the three states, every command, the
// error and command limits, and pipelined input split at every offset.
#include "tests/unit/pop3/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::pop3;
using namespace skrynka::pop3::testing;

namespace {

const std::string login = "USER alice@example.org\r\nPASS secret\r\n";
const std::string login_replies = "+OK Send PASS\r\n+OK Maildrop has 3 messages (219 octets)\r\n";

void fill(driver& d) {
    d.store.add(fx_append);
    d.store.add(fx_dots);
    d.store.add(fx_p);
}

} // namespace

TEST_CASE("session greeting names the host") {
    driver d;
    CHECK(d.greeting == "+OK mail.example.org POP3 server ready\r\n");
}

TEST_CASE("session CAPA before login over loopback") {
    driver d;
    CHECK(d.send("CAPA\r\n") == "+OK Capability list follows\r\n"
                                "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
                                "USER\r\nSASL PLAIN\r\nSTLS\r\n"
                                "IMPLEMENTATION skrynka\r\n.\r\n");
}

TEST_CASE("session CAPA over cleartext hides login") {
    driver d(make_config(false));
    CHECK(d.send("capa\r\n") == "+OK Capability list follows\r\n"
                                "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
                                "STLS\r\n"
                                "IMPLEMENTATION skrynka\r\n.\r\n");
}

TEST_CASE("session CAPA after TLS shows login without STLS") {
    driver d(make_config(false));
    CHECK(d.send("STLS\r\n") == "+OK Begin TLS negotiation\r\n");
    CHECK(d.step == next_step::start_tls);
    d.engine.tls_started();
    CHECK(d.send("CAPA\r\n") == "+OK Capability list follows\r\n"
                                "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
                                "USER\r\nSASL PLAIN\r\n"
                                "IMPLEMENTATION skrynka\r\n.\r\n");
}

TEST_CASE("session CAPA in transaction state") {
    driver d;
    d.send(login);
    CHECK(d.send("CAPA\r\n") == "+OK Capability list follows\r\n"
                                "TOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\n"
                                "IMPLEMENTATION skrynka\r\n.\r\n");
}

TEST_CASE("session refuses cleartext login off loopback") {
    driver d(make_config(false));
    const std::string refused =
        "-ERR [AUTH] Login over cleartext is not allowed, use STLS first\r\n";
    CHECK(d.send("USER alice@example.org\r\n") == refused);
    CHECK(d.send("PASS secret\r\n") == refused);
    CHECK(d.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n") == refused);
    CHECK(d.accounts.names.empty());
    // Each refusal is recorded; only USER has a name to record.
    CHECK(d.accounts.refused == std::vector<std::string>{"alice@example.org", "", ""});
}

TEST_CASE("session STLS without a certificate") {
    driver d(make_config(true, false));
    CHECK(d.send("STLS\r\n") == "-ERR TLS not available\r\n");
    CHECK(d.step == next_step::read);
}

TEST_CASE("session STLS twice") {
    driver d(make_config(false));
    d.send("STLS\r\n");
    d.engine.tls_started();
    CHECK(d.send("STLS\r\n") == "-ERR TLS is already active\r\n");
}

TEST_CASE("session USER and PASS log in") {
    driver d;
    fill(d);
    CHECK(d.send(login) == login_replies);
    CHECK(d.engine.user() == "alice@example.org");
    CHECK(d.store.locked);
}

TEST_CASE("session wrong password gets AUTH code") {
    driver d;
    CHECK(d.send("USER alice@example.org\r\nPASS wrong\r\n") ==
          "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
    CHECK(d.send("PASS secret\r\n") == "-ERR Send USER first\r\n");
    CHECK(d.send("USER nobody@example.org\r\nPASS secret\r\n") ==
          "+OK Send PASS\r\n-ERR [AUTH] Authentication failed\r\n");
}

TEST_CASE("session PASS without USER") {
    driver d;
    CHECK(d.send("PASS secret\r\n") == "-ERR Send USER first\r\n");
    CHECK(d.accounts.names.empty());
}

TEST_CASE("session second login gets IN-USE") {
    auto store = std::make_shared<fake_store>();
    driver first(make_config(), store);
    first.send(login);
    driver second(make_config(), store);
    CHECK(second.send(login) ==
          "+OK Send PASS\r\n-ERR [IN-USE] Maildrop is locked by another POP3 session\r\n");
    CHECK(second.engine.user().empty());
    first.send("QUIT\r\n");
    CHECK(second.send(login) == "+OK Send PASS\r\n+OK Maildrop has 0 messages (0 octets)\r\n");
}

TEST_CASE("session AUTH PLAIN with initial response") {
    driver d;
    fill(d);
    // "\0alice@example.org\0secret"
    CHECK(d.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n") ==
          "+OK Maildrop has 3 messages (219 octets)\r\n");
}

TEST_CASE("session AUTH PLAIN after a challenge") {
    driver d;
    CHECK(d.send("AUTH plain\r\n") == "+ \r\n");
    CHECK(d.send("AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n") ==
          "+OK Maildrop has 0 messages (0 octets)\r\n");
}

TEST_CASE("session AUTH PLAIN cancelled") {
    driver d;
    CHECK(d.send("AUTH PLAIN\r\n*\r\n") == "+ \r\n-ERR Authentication cancelled\r\n");
    CHECK(d.send("STAT\r\n") == "-ERR Command not valid in this state\r\n");
}

TEST_CASE("session AUTH PLAIN with another authzid") {
    driver d;
    // "bob@example.org\0alice@example.org\0secret"
    CHECK(d.send("AUTH PLAIN Ym9iQGV4YW1wbGUub3JnAGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n") ==
          "-ERR [AUTH] Authorization identity must match the login\r\n");
    CHECK(d.accounts.names.empty());
}

TEST_CASE("session AUTH PLAIN malformed") {
    driver d;
    CHECK(d.send("AUTH PLAIN =\r\n") == "-ERR [AUTH] Authentication failed\r\n");
    CHECK(d.send("AUTH PLAIN !!!!\r\n") == "-ERR [AUTH] Authentication failed\r\n");
    CHECK(d.accounts.names.empty());
}

TEST_CASE("session AUTH lists mechanisms") {
    driver d;
    CHECK(d.send("AUTH\r\n") == "+OK\r\nPLAIN\r\n.\r\n");
    CHECK(d.send("AUTH CRAM-MD5\r\n") == "-ERR Unsupported SASL mechanism, use PLAIN\r\n");
}

TEST_CASE("session APOP is refused") {
    driver d;
    CHECK(d.send("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n") ==
          "-ERR APOP is not supported, use USER/PASS or AUTH PLAIN\r\n");
}

TEST_CASE("session transaction commands need login") {
    for (const char* line : {"STAT\r\n", "LIST\r\n", "RETR 1\r\n", "DELE 1\r\n", "NOOP\r\n",
                             "RSET\r\n", "TOP 1 1\r\n", "UIDL\r\n"}) {
        driver fresh;
        CHECK(fresh.send(line) == "-ERR Command not valid in this state\r\n");
    }
}

TEST_CASE("session STAT LIST and UIDL") {
    driver d;
    fill(d);
    d.send(login);
    CHECK(d.send("STAT\r\n") == "+OK 3 219\r\n");
    CHECK(d.send("LIST\r\n") == "+OK 3 messages (219 octets)\r\n1 153\r\n2 40\r\n3 26\r\n.\r\n");
    CHECK(d.send("LIST 2\r\n") == "+OK 2 40\r\n");
    CHECK(d.send("UIDL\r\n") == "+OK Unique-id listing follows\r\n"
                                "1 1700000000.1\r\n2 1700000000.2\r\n3 1700000000.3\r\n.\r\n");
    CHECK(d.send("UIDL 3\r\n") == "+OK 3 1700000000.3\r\n");
}

TEST_CASE("session message numbers out of range") {
    driver d;
    fill(d);
    d.send(login);
    for (const char* line : {"LIST 0\r\n", "LIST 4\r\n", "RETR 99\r\n", "UIDL x\r\n", "DELE -1\r\n",
                             "TOP 4294967296 1\r\n"}) {
        CHECK(d.send(line) == "-ERR No such message\r\n");
    }
}

TEST_CASE("session argument syntax errors") {
    driver d;
    fill(d);
    d.send(login);
    CHECK(d.send("STAT 1\r\n") == "-ERR Syntax error in arguments\r\n");
    CHECK(d.send("RETR\r\n") == "-ERR Syntax error in arguments\r\n");
    CHECK(d.send("TOP 1\r\n") == "-ERR Syntax error in arguments\r\n");
    CHECK(d.send("TOP 1 x\r\n") == "-ERR Syntax error in arguments\r\n");
    CHECK(d.send("LIST 1 2\r\n") == "-ERR Syntax error in arguments\r\n");
}

TEST_CASE("session RETR sends the stored octets") {
    driver d;
    fill(d);
    d.send(login);
    CHECK(d.send("RETR 3\r\n") == "+OK 26 octets\r\nSubject: p\r\n\r\n0123456789\r\n.\r\n");
    CHECK(d.engine.counters().messages_retrieved == 1);
}

TEST_CASE("session DELE then RSET restores") {
    driver d;
    fill(d);
    d.send(login);
    CHECK(d.send("DELE 2\r\n") == "+OK Message 2 deleted\r\n");
    CHECK(d.send("DELE 2\r\n") == "-ERR Message already deleted\r\n");
    CHECK(d.send("RETR 2\r\n") == "-ERR Message already deleted\r\n");
    CHECK(d.send("STAT\r\n") == "+OK 2 179\r\n");
    CHECK(d.send("LIST\r\n") == "+OK 2 messages (179 octets)\r\n1 153\r\n3 26\r\n.\r\n");
    CHECK(d.send("RSET\r\n") == "+OK Maildrop has 3 messages (219 octets)\r\n");
    CHECK(d.send("STAT\r\n") == "+OK 3 219\r\n");
    CHECK(d.send("QUIT\r\n") ==
          "+OK mail.example.org POP3 server signing off (3 messages left)\r\n");
    CHECK(d.store.removals.empty());
}

TEST_CASE("session QUIT removes deleted messages") {
    driver d;
    fill(d);
    d.send(login);
    d.send("DELE 1\r\nDELE 3\r\n");
    CHECK(d.send("QUIT\r\n") ==
          "+OK mail.example.org POP3 server signing off (1 messages left)\r\n");
    CHECK(d.step == next_step::close);
    REQUIRE(d.store.removals.size() == 1);
    CHECK(d.store.removals[0] == std::vector<std::size_t>{0, 2});
    CHECK_FALSE(d.store.locked);
    CHECK(d.engine.counters().messages_deleted == 2);
}

TEST_CASE("session failed removal reports SYS/TEMP") {
    driver d;
    fill(d);
    d.send(login);
    d.store.fail_remove = true;
    d.send("DELE 1\r\n");
    CHECK(d.send("QUIT\r\n") == "-ERR [SYS/TEMP] Some deleted messages were not removed\r\n");
    CHECK(d.store.removals.empty());
    CHECK_FALSE(d.store.locked);
}

TEST_CASE("session dropped connection deletes nothing") {
    auto store = std::make_shared<fake_store>();
    {
        driver d(make_config(), store);
        fill(d);
        d.send(login);
        d.send("DELE 1\r\nDELE 2\r\n");
        CHECK(store->locked);
        // The connection ends here without QUIT, so the session is destroyed.
    }
    CHECK(store->removals.empty());
    CHECK_FALSE(store->locked);
}

TEST_CASE("session QUIT in authorization state") {
    driver d;
    CHECK(d.send("QUIT\r\n") == "+OK mail.example.org POP3 server signing off\r\n");
    CHECK(d.step == next_step::close);
    CHECK(d.engine.close_reason() == "quit");
}

TEST_CASE("session NOOP") {
    driver d;
    d.send(login);
    CHECK(d.send("NOOP\r\n") == "+OK\r\n");
}

TEST_CASE("session unreadable message gets SYS/TEMP") {
    driver d;
    fill(d);
    d.send(login);
    d.store.fail_reads = true;
    CHECK(d.send("RETR 1\r\n") ==
          "-ERR [SYS/TEMP] Message cannot be read now, try again later\r\n");
    CHECK(d.step == next_step::read);
}

TEST_CASE("session read failure mid-message closes without terminator") {
    driver d;
    d.store.add(std::string(200 * 1024, 'x'));
    d.send(login);
    d.store.fail_reads_after_first = true;
    const std::string sent = d.send("RETR 1\r\n");
    CHECK(d.step == next_step::close);
    CHECK(d.engine.close_reason() == "message_read_failed");
    CHECK(sent.rfind("+OK 204800 octets\r\n", 0) == 0);
    CHECK(sent.find("\r\n.\r\n") == std::string::npos);
}

TEST_CASE("session large message is streamed in pieces") {
    driver d;
    std::string big;
    while (big.size() < 1024 * 1024) {
        big += ".line starting with a dot\r\n";
    }
    d.store.add(big);
    d.send(login);
    string_writer writer;
    boost::asio::io_context context;
    auto future = boost::asio::co_spawn(context, d.engine.feed("RETR 1\r\n", writer),
                                        boost::asio::use_future);
    context.run();
    future.get();
    CHECK(writer.writes > 4);
    CHECK(d.store.largest_read <= 64 * 1024);
    std::string unstuffed;
    const std::string body = writer.written.substr(writer.written.find("\r\n") + 2);
    REQUIRE(body.size() >= 5);
    CHECK(body.substr(body.size() - 5) == "\r\n.\r\n");
    std::size_t start = 0;
    const std::string content = body.substr(0, body.size() - 3);
    while (start < content.size()) {
        const std::size_t end = content.find("\r\n", start) + 2;
        std::string line = content.substr(start, end - start);
        REQUIRE(line.rfind("..", 0) == 0);
        unstuffed += line.substr(1);
        start = end;
    }
    CHECK(unstuffed == big);
}

TEST_CASE("session error limit closes") {
    session_config config = make_config();
    config.limits.errors_max = 3;
    driver d(config);
    CHECK(d.send("XYZ\r\nXYZ\r\n") == "-ERR Command not recognized\r\n"
                                      "-ERR Command not recognized\r\n");
    CHECK(d.send("XYZ\r\nCAPA\r\n") == "-ERR Command not recognized\r\n"
                                       "-ERR Too many errors, closing connection\r\n");
    CHECK(d.step == next_step::close);
    CHECK(d.engine.close_reason() == "too_many_errors");
}

TEST_CASE("session commands before login are limited") {
    session_config config = make_config();
    config.limits.commands_before_auth_max = 3;
    driver d(config);
    const std::string replies = d.send("CAPA\r\nCAPA\r\nCAPA\r\nCAPA\r\nCAPA\r\n");
    CHECK(replies.find("-ERR Too many commands without login, closing connection\r\n") !=
          std::string::npos);
    CHECK(d.step == next_step::close);
}

TEST_CASE("session overlong line is skipped") {
    driver d;
    CHECK(d.send(std::string(5000, 'A') + "\r\nNOOP\r\n") ==
          "-ERR Line too long\r\n-ERR Command not valid in this state\r\n");
}

TEST_CASE("session bare CR in a command") {
    driver d;
    CHECK(d.send("CA\rPA\r\n") == "-ERR Bare CR in command line is not allowed\r\n");
}

TEST_CASE("session bare LF ends a command") {
    driver d;
    CHECK(d.send("QUIT\n") == "+OK mail.example.org POP3 server signing off\r\n");
}

TEST_CASE("session pipelined input split at every offset") {
    const std::string input = login + "STAT\r\nLIST\r\nUIDL 2\r\nTOP 2 1\r\nRETR 3\r\n"
                                      "DELE 1\r\nNOOP\r\nRSET\r\nDELE 3\r\nQUIT\r\n";
    driver whole;
    fill(whole);
    const std::string expected = whole.send(input);
    CHECK(expected.find("signing off (2 messages left)") != std::string::npos);
    for (std::size_t split = 0; split <= input.size(); ++split) {
        driver d;
        fill(d);
        std::string replies = d.send(input.substr(0, split));
        replies += d.send(input.substr(split));
        REQUIRE(replies == expected);
        REQUIRE(d.store.removals == std::vector<std::vector<std::size_t>>{{2}});
    }
}

TEST_CASE("session login counts one message in the singular") {
    driver d;
    d.store.add(fx_p);
    CHECK(d.send(login) == "+OK Send PASS\r\n+OK Maildrop has 1 message (26 octets)\r\n");
}
