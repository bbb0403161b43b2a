// The deferred mode of the session, in which the I/O loop answers recipient checks and
// deliveries: replies must be the same, in the same order, as in immediate mode.
#include "tests/unit/smtp/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::smtp;
using namespace skrynka::smtp::testing;

namespace {

const std::string pipelined_input = "EHLO client.example.net\r\n"
                                    "MAIL FROM:<bob@example.net>\r\n"
                                    "RCPT TO:<nobody@example.org>\r\n"
                                    "RCPT TO:<alice@example.org>\r\n"
                                    "RCPT TO:<carol@example.net>\r\n"
                                    "DATA\r\n"
                                    "Subject: p1\r\n\r\nbody\r\n.\r\n"
                                    "MAIL FROM:<bob@example.net>\r\n"
                                    "RCPT TO:<nobody@example.org>\r\n"
                                    "DATA\r\n"
                                    "Subject: p2\r\n\r\n.\r\n"
                                    "MAIL FROM:<bob@example.net>\r\n"
                                    "RCPT TO:<bob@example.org>\r\n"
                                    "BDAT 12 LAST\r\n"
                                    "Subject: b\r\n"
                                    "RSET\r\nNOOP\r\nQUIT\r\n";

} // namespace

TEST_CASE("deferred session matches immediate replies", "[smtp][session][deferred]") {
    driver immediate;
    deferred_driver deferred;
    const std::string expected = immediate.send(pipelined_input);
    CHECK(deferred.send(pipelined_input) == expected);
    CHECK(deferred.last.step == next_step::close);
    // Five RCPT checks and two deliveries.
    CHECK(deferred.questions == 7);
    REQUIRE(deferred.sink.messages.size() == 2);
    CHECK(deferred.sink.messages[0].message == immediate.sink.messages[0].message);
    CHECK(deferred.sink.messages[1].message == immediate.sink.messages[1].message);
}

TEST_CASE("deferred session matches at every split offset", "[smtp][session][deferred]") {
    driver immediate;
    const std::string expected = immediate.send(pipelined_input);
    for (std::size_t split = 0; split <= pipelined_input.size(); ++split) {
        INFO("split at " << split);
        deferred_driver deferred;
        std::string replies = deferred.send(std::string_view(pipelined_input).substr(0, split));
        replies += deferred.send(std::string_view(pipelined_input).substr(split));
        CHECK(replies == expected);
        CHECK(deferred.sink.messages.size() == 2);
    }
}

TEST_CASE("deferred session holds commands behind RCPT", "[smtp][session][deferred]") {
    deferred_driver deferred;
    deferred.send("EHLO client.example.net\r\nMAIL FROM:<bob@example.net>\r\n");
    const session_output out = deferred.engine.feed(
        "RCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nNOOP\r\n");
    CHECK(out.replies.empty());
    REQUIRE(out.step == next_step::check_recipient);
    CHECK(deferred.engine.pending_recipient().text() == "alice@example.org");

    const session_output first = deferred.engine.recipient_checked(recipient_decision::accept);
    CHECK(first.replies == "250 2.1.5 Recipient OK\r\n");
    REQUIRE(first.step == next_step::check_recipient);
    CHECK(deferred.engine.pending_recipient().text() == "bob@example.org");

    const session_output second =
        deferred.engine.recipient_checked(recipient_decision::unknown_user);
    CHECK(second.replies == "550 5.1.1 Mailbox does not exist\r\n250 2.0.0 OK\r\n");
    CHECK(second.step == next_step::read);
    CHECK(deferred.engine.counters().recipients_accepted == 1);
    CHECK(deferred.engine.counters().recipients_rejected == 1);
}

TEST_CASE("deferred delivery failure replies 451", "[smtp][session][deferred]") {
    deferred_driver deferred;
    deferred.send("EHLO client.example.net\r\nMAIL FROM:<bob@example.net>\r\n"
                  "RCPT TO:<alice@example.org>\r\n");
    const session_output out =
        deferred.engine.feed("DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nNOOP\r\n");
    CHECK(out.replies == "354 End data with <CR><LF>.<CR><LF>\r\n");
    REQUIRE(out.step == next_step::deliver);
    CHECK(deferred.engine.pending_delivery().recipients.size() == 1);
    CHECK(deferred.engine.pending_delivery().session_id == "S1");
    const std::string& message = deferred.engine.pending_message();
    CHECK(message.rfind("Return-Path: <bob@example.net>\r\nReceived: ", 0) == 0);
    CHECK(message.ends_with("Subject: x\r\n\r\nhi\r\n"));

    const session_output after =
        deferred.engine.delivery_finished({delivery_status::temporary_failure});
    CHECK(after.replies == "451 4.3.0 Message not stored, try again later\r\n250 2.0.0 OK\r\n");
    CHECK(deferred.engine.counters().messages_rejected == 1);
    CHECK(deferred.engine.counters().messages_accepted == 0);
}

TEST_CASE("deferred session drops input after STARTTLS", "[smtp][session][deferred]") {
    deferred_driver deferred;
    deferred.send("EHLO client.example.net\r\nMAIL FROM:<bob@example.net>\r\n");
    const session_output out =
        deferred.engine.feed("RCPT TO:<alice@example.org>\r\nRSET\r\nSTARTTLS\r\n"
                             "MAIL FROM:<attacker@example.net>\r\n");
    REQUIRE(out.step == next_step::check_recipient);
    const session_output after = deferred.engine.recipient_checked(recipient_decision::accept);
    CHECK(after.replies ==
          "250 2.1.5 Recipient OK\r\n250 2.0.0 OK\r\n220 2.0.0 Ready to start TLS\r\n");
    CHECK(after.step == next_step::start_tls);
    deferred.engine.tls_started({"TLSv1.3", "TLS_AES_256_GCM_SHA384"});
    CHECK(deferred.send("RCPT TO:<alice@example.org>\r\n").rfind("503 ", 0) == 0);
}

TEST_CASE("deferred session keeps recipient routes", "[smtp][session][deferred]") {
    deferred_driver deferred;
    deferred.send("EHLO client.example.net\r\nMAIL FROM:<bob@example.net>\r\n");
    const char* recipients[] = {"alice@example.org", "nobody@example.org", "bob@example.org",
                                "alice@example.org"};
    const recipient_decision decisions[] = {recipient_decision::accept,
                                            recipient_decision::unknown_user,
                                            recipient_decision::accept, recipient_decision::accept};
    for (int i = 0; i < 4; ++i) {
        const session_output out =
            deferred.engine.feed(std::string("RCPT TO:<") + recipients[i] + ">\r\n");
        REQUIRE(out.step == next_step::check_recipient);
        deferred.engine.recipient_checked(decisions[i], 10 + i);
    }
    const session_output out = deferred.engine.feed("DATA\r\nSubject: r\r\n\r\n.\r\n");
    REQUIRE(out.step == next_step::deliver);
    const envelope& transaction = deferred.engine.pending_delivery();
    REQUIRE(transaction.recipients.size() == 2);
    CHECK(transaction.recipients[0].text() == "alice@example.org");
    CHECK(transaction.recipients[1].text() == "bob@example.org");
    // The repeated alice keeps the route of her first RCPT.
    CHECK(transaction.recipient_routes == std::vector<std::int64_t>{10, 12});
}
