#include "tests/unit/smtp/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka::smtp;
using namespace skrynka::smtp::testing;

namespace {

void start_transaction(driver& d) {
    REQUIRE(reply_codes(d.send("EHLO client.example.net\r\n")) == std::vector<int>{250});
    REQUIRE(d.send("MAIL FROM:<bob@example.net>\r\n") == "250 2.1.0 Sender OK\r\n");
    REQUIRE(d.send("RCPT TO:<alice@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
}

session_config config_with(void (*change)(smtp_limits&)) {
    session_config config = make_config();
    change(config.limits);
    return config;
}

} // namespace

TEST_CASE("session greets without enhanced code", "[smtp][session]") {
    driver d;
    CHECK(d.greeting == "220 mail.example.org ESMTP ready\r\n");
}

TEST_CASE("session EHLO omits STARTTLS without certificate", "[smtp][session]") {
    driver d(make_config(false));
    const std::string replies = d.send("EHLO client.example.net\r\n");
    CHECK(replies.find("STARTTLS") == std::string::npos);
    CHECK(replies.find("250 ENHANCEDSTATUSCODES\r\n") != std::string::npos);
    CHECK(d.send("STARTTLS\r\n") == "454 4.7.0 TLS not available\r\n");
}

TEST_CASE("session HELO reply and plain SMTP trace", "[smtp][session]") {
    driver d;
    CHECK(d.send("HELO client.example.net\r\n") == "250 mail.example.org\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> SIZE=10\r\n") ==
          "555 5.5.4 MAIL parameters require EHLO\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net>\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RCPT TO:<alice@example.org>\r\nDATA\r\nhi\r\n.\r\n") ==
          "250 2.1.5 Recipient OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
          "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(d.sink.messages[0].message == "Return-Path: <bob@example.net>\r\n"
                                        "Received: from client.example.net ([192.0.2.7])\r\n"
                                        "\tby mail.example.org with SMTP id S1-1\r\n"
                                        "\tfor <alice@example.org>;\r\n"
                                        "\tFri, 04 Dec 2026 21:13:46 +0000\r\n"
                                        "hi\r\n");
}

TEST_CASE("session rejects an invalid EHLO argument", "[smtp][session]") {
    driver d;
    CHECK(d.send("EHLO\r\n") == "501 5.5.4 Syntax: EHLO domain or address literal\r\n");
    CHECK(d.send("EHLO bad name\r\n") == "501 5.5.4 Syntax: EHLO domain or address literal\r\n");
    CHECK(reply_codes(d.send("EHLO [127.0.0.1]\r\n")) == std::vector<int>{250});
}

TEST_CASE("session enforces command order", "[smtp][session]") {
    driver d;
    CHECK(d.send("MAIL FROM:<bob@example.net>\r\n") == "503 5.5.1 Send EHLO or HELO first\r\n");
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("RCPT TO:<alice@example.org>\r\n") == "503 5.5.1 Send MAIL first\r\n");
    CHECK(d.send("DATA\r\n") == "503 5.5.1 Send MAIL first\r\n");
    CHECK(d.send("MAIL FROM:<>\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("MAIL FROM:<>\r\n") == "503 5.5.1 Nested MAIL command\r\n");
    CHECK(d.send("DATA\r\n") == "554 5.5.1 No valid recipients\r\n");
    CHECK(d.send("STARTTLS\r\n") ==
          "503 5.5.1 STARTTLS is not allowed inside a mail transaction\r\n");
}

TEST_CASE("session recipient decisions map to replies", "[smtp][session]") {
    driver d;
    start_transaction(d);
    CHECK(d.send("RCPT TO:<nobody@example.org>\r\n") == "550 5.1.1 Mailbox does not exist\r\n");
    CHECK(d.send("RCPT TO:<someone@example.net>\r\n") == "554 5.7.1 Relay access denied\r\n");
    CHECK(d.send("RCPT TO:<busy@example.org>\r\n") ==
          "451 4.3.0 Temporary failure, try again later\r\n");
    CHECK(d.send("RCPT TO:<Postmaster>\r\n") == "250 2.1.5 Recipient OK\r\n");
    CHECK(d.send("RCPT TO:<alice@example.org> NOTIFY=NEVER\r\n") ==
          "555 5.5.4 Unsupported RCPT parameter\r\n");
    CHECK(d.send("RCPT TO:alice@example.org\r\n") ==
          "501 5.1.3 Invalid recipient address syntax\r\n");
    CHECK(d.engine.counters().recipients_rejected == 3);
}

TEST_CASE("session keeps one copy of a repeated recipient", "[smtp][session]") {
    driver d;
    start_transaction(d);
    CHECK(d.send("RCPT TO:<alice@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
    d.send("DATA\r\nx\r\n.\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(d.sink.messages[0].transaction.recipients.size() == 1);
}

TEST_CASE("session informational commands", "[smtp][session]") {
    driver d;
    CHECK(d.send("NOOP anything\r\n") == "250 2.0.0 OK\r\n");
    CHECK(d.send("VRFY alice\r\n") ==
          "252 2.0.0 Cannot verify the address, but will accept a message for it\r\n");
    CHECK(d.send("EXPN staff\r\n") ==
          "252 2.0.0 Cannot verify the address, but will accept a message for it\r\n");
    CHECK(d.send("VRFY\r\n") == "501 5.5.4 Argument required\r\n");
    CHECK(reply_codes(d.send("HELP\r\n")) == std::vector<int>{214});
    CHECK(d.send("RSET x\r\n") == "501 5.5.4 This command takes no arguments\r\n");
    CHECK(d.send("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n") ==
          "502 5.5.1 Authentication is not available on this port\r\n");
    CHECK(d.send("AUTH\r\n") == "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
    CHECK(d.send("XYZZY\r\n") == "500 5.5.2 Command not recognized\r\n");
}

TEST_CASE("session does not execute a command ended by bare LF", "[smtp][session]") {
    driver d;
    CHECK(d.send("QUIT\n") == "500 5.5.2 Bare LF or CR in command line is not allowed\r\n");
    CHECK(d.last.step == next_step::read);
    CHECK(d.send("NO\rOP\r\n") == "500 5.5.2 Bare LF or CR in command line is not allowed\r\n");
    CHECK(d.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");
    CHECK(d.last.step == next_step::close);
    CHECK(d.engine.close_reason() == "quit");
}

TEST_CASE("session answers an overlong command once", "[smtp][session]") {
    driver d;
    const std::string line = "NOOP " + std::string(600, 'x') + "\r\n";
    CHECK(d.send(line + "NOOP\r\n") == "500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
}

TEST_CASE("session drops a megabyte line unbuffered", "[smtp][session]") {
    driver d;
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 16; ++i) {
        CHECK(d.send(chunk).empty());
    }
    CHECK(d.send("\r\nNOOP\r\n") == "500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
}

TEST_CASE("session closes after too many errors", "[smtp][session]") {
    driver d;
    std::string input;
    for (int i = 0; i < 12; ++i) {
        input += "BOGUS\r\n";
    }
    const std::string replies = d.send(input + "NOOP\r\n");
    std::vector<int> expected(10, 500);
    expected.push_back(421);
    CHECK(reply_codes(replies) == expected);
    CHECK(replies.find("421 4.7.0 Too many errors, closing connection\r\n") != std::string::npos);
    CHECK(d.last.step == next_step::close);
    CHECK(d.engine.close_reason() == "too_many_errors");
    CHECK(d.send("NOOP\r\n").empty());
}

TEST_CASE("session limits commands without a transaction", "[smtp][session]") {
    driver d(config_with([](smtp_limits& limits) { limits.commands_before_mail_max = 10; }));
    std::string input;
    for (int i = 0; i < 11; ++i) {
        input += "NOOP\r\n";
    }
    const std::string replies = d.send(input);
    std::vector<int> expected(10, 250);
    expected.push_back(421);
    CHECK(reply_codes(replies) == expected);
    CHECK(d.engine.close_reason() == "too_many_commands");
}

TEST_CASE("session limits recipients per message", "[smtp][session]") {
    driver d;
    start_transaction(d);
    std::string input;
    for (int i = 0; i < 99; ++i) {
        input += "RCPT TO:<user" + std::to_string(i) + "@example.org>\r\n";
    }
    CHECK(reply_codes(d.send(input)) == std::vector<int>(99, 250));
    CHECK(d.send("RCPT TO:<bob@example.org>\r\n") == "452 4.5.3 Too many recipients\r\n");
}

TEST_CASE("session rejects a declared size over the limit at MAIL", "[smtp][session]") {
    driver d;
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> SIZE=52428801\r\n") ==
          "552 5.3.4 Message size exceeds the fixed maximum message size\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> SIZE=52428800\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RSET\r\nMAIL FROM:<bob@example.net> SIZE=x\r\n") ==
          "250 2.0.0 OK\r\n501 5.5.4 Invalid SIZE parameter\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> FOO=1\r\n") ==
          "555 5.5.4 Unsupported MAIL parameter\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> BODY=9BIT\r\n") ==
          "501 5.5.4 Invalid BODY parameter\r\n");
}

TEST_CASE("session rejects an undeclared oversize message at its end", "[smtp][session]") {
    driver d(config_with([](smtp_limits& limits) { limits.message_size_max = 64 * 1024; }));
    start_transaction(d);
    REQUIRE(reply_codes(d.send("DATA\r\n")) == std::vector<int>{354});
    const std::string line(98, 'a');
    std::string replies;
    for (int i = 0; i < 1000; ++i) {
        replies += d.send(line + "\r\n");
    }
    CHECK(replies.empty());
    CHECK(d.send(".\r\n") == "552 5.3.4 Message size exceeds the fixed maximum message size\r\n");
    CHECK(d.sink.messages.empty());
    CHECK(d.send("NOOP\r\n") == "250 2.0.0 OK\r\n");
}

TEST_CASE("session rejects a message with an overlong line", "[smtp][session]") {
    driver d;
    start_transaction(d);
    d.send("DATA\r\n");
    const std::string ok_line(998, 'a');
    CHECK(d.send(ok_line + "\r\n").empty());
    CHECK(d.send(ok_line + "b\r\n.\r\n") ==
          "554 5.6.0 Message rejected: line longer than 1000 octets\r\n");
    CHECK(d.sink.messages.empty());
}

TEST_CASE("session accepts a 998 octet line", "[smtp][session]") {
    driver d;
    start_transaction(d);
    d.send("DATA\r\n");
    CHECK(d.send(std::string(998, 'a') + "\r\n.\r\n") ==
          "250 2.0.0 Message accepted, queue id S1-1\r\n");
}

TEST_CASE("session uses the data timeout inside DATA", "[smtp][session]") {
    driver d;
    CHECK(d.engine.read_timeout() == std::chrono::seconds(300));
    start_transaction(d);
    d.send("DATA\r\n");
    CHECK(d.engine.read_timeout() == std::chrono::seconds(180));
}

TEST_CASE("session answers 451 when a recipient could not be stored", "[smtp][session]") {
    driver d;
    d.sink.fail_bob = true;
    start_transaction(d);
    CHECK(d.send("RCPT TO:<bob@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
    CHECK(
        d.send("DATA\r\nx\r\n.\r\n") ==
        "354 End data with <CR><LF>.<CR><LF>\r\n451 4.3.0 Message not stored, try again later\r\n");
    CHECK(d.engine.counters().errors == 0);
}

TEST_CASE("session null sender gets an empty Return-Path", "[smtp][session]") {
    driver d;
    d.send("EHLO client.example.net\r\nMAIL FROM:<>\r\nRCPT "
           "TO:<alice@example.org>\r\nDATA\r\nx\r\n.\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(d.sink.messages[0].message.rfind("Return-Path: <>\r\n", 0) == 0);
    CHECK_FALSE(d.sink.messages[0].transaction.sender.has_value());
}

TEST_CASE("session EHLO inside a transaction resets it", "[smtp][session]") {
    driver d;
    start_transaction(d);
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("DATA\r\n") == "503 5.5.1 Send MAIL first\r\n");
}

TEST_CASE("BDAT delivers chunks without dot processing", "[smtp][session][bdat]") {
    driver d;
    start_transaction(d);
    CHECK(d.send("BDAT 9\r\n.a\nb\r\n.\r\n") == "250 2.0.0 9 octets received\r\n");
    CHECK(d.send("BDAT 0 LAST\r\n") == "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    const std::string& message = d.sink.messages[0].message;
    CHECK(message.substr(message.size() - 9) == ".a\nb\r\n.\r\n");
}

TEST_CASE("BDAT with BINARYMIME", "[smtp][session][bdat]") {
    driver d;
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net> BODY=BINARYMIME\r\n") == "250 2.1.0 Sender OK\r\n");
    d.send("RCPT TO:<alice@example.org>\r\n");
    CHECK(d.send("DATA\r\n") == "503 5.5.1 BODY=BINARYMIME requires BDAT\r\n");
    const std::string chunk("\0\x01\xff\r", 4);
    CHECK(d.send("BDAT 4 LAST\r\n" + chunk) == "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(d.sink.messages[0].transaction.body == body_type::binary_mime);
}

TEST_CASE("BDAT without a transaction consumes its chunk", "[smtp][session][bdat]") {
    driver d;
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("BDAT 6\r\nQUIT\r\n") == "503 5.5.1 Send MAIL first\r\n");
    CHECK(d.last.step == next_step::read);
}

TEST_CASE("BDAT over the size limit", "[smtp][session][bdat]") {
    driver d(config_with([](smtp_limits& limits) { limits.message_size_max = 64 * 1024; }));
    start_transaction(d);
    const std::string chunk(40000, 'x');
    CHECK(d.send("BDAT 40000\r\n" + chunk) == "250 2.0.0 40000 octets received\r\n");
    CHECK(d.send("BDAT 40000 LAST\r\n" + chunk) ==
          "552 5.3.4 Message size exceeds the fixed maximum message size\r\n");
    CHECK(d.sink.messages.empty());
    CHECK(d.send("BDAT 1 LAST\r\nx") == "503 5.5.1 Send MAIL first\r\n");
}

TEST_CASE("BDAT with a huge size is read and dropped", "[smtp][session][bdat]") {
    driver d;
    start_transaction(d);
    CHECK(d.send("BDAT 18446744073709551615\r\n" + std::string(1000, 'x')).empty());
    CHECK(d.engine.read_timeout() == std::chrono::seconds(180));
}

TEST_CASE("BDAT with an invalid size closes the session", "[smtp][session][bdat]") {
    driver d;
    start_transaction(d);
    CHECK(d.send("BDAT ten\r\nQUIT\r\n") == "501 5.5.4 Syntax: BDAT chunk-size [LAST]\r\n421 4.7.0 "
                                            "BDAT stream out of sync, closing\r\n");
    CHECK(d.last.step == next_step::close);
    CHECK(d.engine.close_reason() == "bdat_out_of_sync");
}

TEST_CASE("DATA after BDAT is refused", "[smtp][session][bdat]") {
    driver d;
    start_transaction(d);
    d.send("BDAT 3\r\nabc");
    CHECK(d.send("DATA\r\n") == "503 5.5.1 DATA is not allowed after BDAT\r\n");
}
