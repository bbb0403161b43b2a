// Golden transcripts for the interop and security faults other SMTP receivers shipped:
// smuggling through non-CRLF end-of-data sequences, STARTTLS command injection,
// dot-unstuffing, pipelining order and SMTPUTF8 address handling.
#include "tests/unit/smtp/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka::smtp;
using namespace skrynka::smtp::testing;

namespace {

const std::string ehlo_reply_with_tls = "250-mail.example.org\r\n"
                                        "250-PIPELINING\r\n"
                                        "250-SIZE 52428800\r\n"
                                        "250-8BITMIME\r\n"
                                        "250-BINARYMIME\r\n"
                                        "250-CHUNKING\r\n"
                                        "250-SMTPUTF8\r\n"
                                        "250-ENHANCEDSTATUSCODES\r\n"
                                        "250 STARTTLS\r\n";

const std::string ehlo_reply_after_tls = "250-mail.example.org\r\n"
                                         "250-PIPELINING\r\n"
                                         "250-SIZE 52428800\r\n"
                                         "250-8BITMIME\r\n"
                                         "250-BINARYMIME\r\n"
                                         "250-CHUNKING\r\n"
                                         "250-SMTPUTF8\r\n"
                                         "250 ENHANCEDSTATUSCODES\r\n";

// The message part after our Return-Path and Received fields.
std::string body_after_trace(const std::string& message) {
    const std::size_t received = message.find("Received:");
    REQUIRE(received != std::string::npos);
    const std::size_t date_line = message.find("+0000\r\n", received);
    REQUIRE(date_line != std::string::npos);
    return message.substr(date_line + 7);
}

void open_transaction(driver& d) {
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    REQUIRE(d.send("MAIL FROM:<bob@example.net>\r\n") == "250 2.1.0 Sender OK\r\n");
    REQUIRE(d.send("RCPT TO:<alice@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
    REQUIRE(d.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
}

} // namespace

TEST_CASE("smuggling: every non-CRLF end-of-data variant is rejected", "[smtp][cases]") {
    const std::vector<std::string> variants{"\n.\r\n", "\n.\n", "\r\n.\n", "\r.\r\n",
                                            "\r\n.\r", "\r.\r", "\n.\r"};
    for (const std::string& terminator : variants) {
        INFO("variant " << terminator.size() << " octets");
        const std::string payload =
            "From: bob@example.net\r\nTo: alice@example.org\r\nSubject: one\r\n\r\nfirst" +
            terminator +
            "MAIL FROM:<ceo@example.org>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
            "From: ceo@example.org\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\n";

        driver d;
        open_transaction(d);
        CHECK(d.send(payload) == "554 5.6.0 Message rejected: bare LF or CR is not allowed\r\n");
        CHECK(d.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");
        CHECK(d.sink.messages.empty());
    }
}

TEST_CASE("smuggling: replies are the same for every split of the payload", "[smtp][cases]") {
    const std::string payload = "Subject: one\r\n\r\nfirst\n.\r\nMAIL "
                                "FROM:<ceo@example.org>\r\nRCPT TO:<alice@example.org>\r\n"
                                "DATA\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\nQUIT\r\n";
    for (std::size_t split = 0; split <= payload.size(); ++split) {
        driver d;
        open_transaction(d);
        std::string replies = d.send(payload.substr(0, split));
        replies += d.send(payload.substr(split));
        INFO("split at " << split);
        CHECK(reply_codes(replies) == std::vector<int>{554, 221});
        CHECK(d.sink.messages.empty());
    }
}

TEST_CASE("smuggling: bare LF dot in a command stream is not end of data", "[smtp][cases]") {
    driver d;
    open_transaction(d);
    // The lone ".\n" is not a terminator; only the final CR LF "." CR LF is.
    CHECK(d.send("Subject: x\r\n\r\nbody\r\n.\nRSET\r\n").empty());
    CHECK(d.send(".\r\n") == "554 5.6.0 Message rejected: bare LF or CR is not allowed\r\n");
}

TEST_CASE("STARTTLS injection: pipelined MAIL is discarded", "[smtp][cases]") {
    driver d;
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    CHECK(d.send("STARTTLS\r\nMAIL FROM:<attacker@example.net>\r\n") ==
          "220 2.0.0 Ready to start TLS\r\n");
    CHECK(d.last.step == next_step::start_tls);

    CHECK(d.engine.tls_started({"TLSv1.3", "TLS_AES_256_GCM_SHA384"}).replies.empty());
    CHECK(d.send("EHLO client.example.net\r\n") == ehlo_reply_after_tls);
    CHECK(d.send("RCPT TO:<alice@example.org>\r\n") == "503 5.5.1 Send MAIL first\r\n");
    CHECK(d.send("STARTTLS\r\n") == "503 5.5.1 TLS is already active\r\n");
    CHECK(d.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");
}

TEST_CASE("STARTTLS injection: a separate write before the handshake is ignored", "[smtp][cases]") {
    driver d;
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    CHECK(d.send("STARTTLS\r\n") == "220 2.0.0 Ready to start TLS\r\n");
    CHECK(d.send("RSET\r\n").empty());
    CHECK(d.last.step == next_step::start_tls);
    d.engine.tls_started({"TLSv1.3", "TLS_AES_128_GCM_SHA256"});
    // EHLO is required again: nothing from the cleartext part survives.
    CHECK(d.send("MAIL FROM:<bob@example.net>\r\n") == "503 5.5.1 Send EHLO or HELO first\r\n");
}

TEST_CASE("STARTTLS injection: a partial cleartext line does not survive", "[smtp][cases]") {
    driver d;
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    CHECK(d.send("STARTTLS\r\nNOOP") == "220 2.0.0 Ready to start TLS\r\n");
    d.engine.tls_started({"TLSv1.3", "TLS_AES_128_GCM_SHA256"});
    // Had "NOOP" been kept, this line would read "NOOPQUIT".
    CHECK(d.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");
}

TEST_CASE("STARTTLS injection: the word STARTTLS in a body is text", "[smtp][cases]") {
    driver d;
    open_transaction(d);
    CHECK(d.send("Subject: c\r\n\r\nSTARTTLS\r\n.\r\n") ==
          "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(body_after_trace(d.sink.messages[0].message) == "Subject: c\r\n\r\nSTARTTLS\r\n");
}

TEST_CASE("dot-unstuffing: stuffed lines lose one dot", "[smtp][cases]") {
    driver d;
    open_transaction(d);
    CHECK(d.send("Subject: dots\r\n\r\n..first\r\n..\r\n...two\r\nend\r\n.\r\n") ==
          "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    // The stored, unstuffed form is 40 octets.
    const std::string expected = "Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n";
    CHECK(expected.size() == 40);
    CHECK(body_after_trace(d.sink.messages[0].message) == expected);
}

TEST_CASE("dot-unstuffing: a stuffed first line loses its dot", "[smtp][cases]") {
    driver d;
    open_transaction(d);
    CHECK(d.send("..hello\r\n.\r\n") == "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(body_after_trace(d.sink.messages[0].message) == ".hello\r\n");
}

TEST_CASE("dot-unstuffing: byte by byte gives the same message", "[smtp][cases]") {
    driver d;
    open_transaction(d);
    const std::string body = "..hello\r\n..\r\n.\r\n";
    std::string replies;
    for (const char c : body) {
        replies += d.send(std::string(1, c));
    }
    CHECK(replies == "250 2.0.0 Message accepted, queue id S1-1\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(body_after_trace(d.sink.messages[0].message) == ".hello\r\n.\r\n");
}

TEST_CASE("pipelining: replies in command order and no 354 without recipients", "[smtp][cases]") {
    driver d;
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    CHECK(d.send("MAIL FROM:<bob@example.net>\r\nRCPT TO:<nobody@example.org>\r\n"
                 "RCPT TO:<alice@example.org>\r\nDATA\r\n") ==
          "250 2.1.0 Sender OK\r\n"
          "550 5.1.1 Mailbox does not exist\r\n"
          "250 2.1.5 Recipient OK\r\n"
          "354 End data with <CR><LF>.<CR><LF>\r\n");
    CHECK(d.send("Subject: p1\r\n\r\nbody\r\n.\r\nMAIL FROM:<bob@example.net>\r\n"
                 "RCPT TO:<nobody@example.org>\r\nDATA\r\n") ==
          "250 2.0.0 Message accepted, queue id S1-1\r\n"
          "250 2.1.0 Sender OK\r\n"
          "550 5.1.1 Mailbox does not exist\r\n"
          "554 5.5.1 No valid recipients\r\n");
    CHECK(d.send("RSET\r\nNOOP\r\nQUIT\r\n") ==
          "250 2.0.0 OK\r\n250 2.0.0 OK\r\n221 2.0.0 Bye\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    CHECK(body_after_trace(d.sink.messages[0].message) == "Subject: p1\r\n\r\nbody\r\n");
}

TEST_CASE("pipelining: every split of the input gives the same replies", "[smtp][cases]") {
    const std::string input =
        "EHLO client.example.net\r\nMAIL FROM:<bob@example.net>\r\nRCPT TO:<nobody@example.org>\r\n"
        "RCPT TO:<alice@example.org>\r\nDATA\r\nSubject: p1\r\n\r\n..body\r\n.\r\n"
        "MAIL FROM:<bob@example.net>\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n"
        "BDAT 5\r\nab\ncdMAIL FROM:<>\r\nRCPT TO:<alice@example.org>\r\nBDAT 3 "
        "LAST\r\nxyzRSET\r\nQUIT\r\n";
    driver whole;
    const std::string expected = whole.send(input);
    CHECK(reply_codes(expected) == std::vector<int>{250, 250, 550, 250, 354, 250, 250, 550, 554,
                                                    554, 250, 250, 250, 250, 221});
    REQUIRE(whole.sink.messages.size() == 2);

    for (std::size_t split = 0; split <= input.size(); ++split) {
        driver d;
        std::string replies = d.send(input.substr(0, split));
        replies += d.send(input.substr(split));
        INFO("split at " << split);
        CHECK(replies == expected);
        REQUIRE(d.sink.messages.size() == 2);
        CHECK(d.sink.messages[0].message == whole.sink.messages[0].message);
        CHECK(d.sink.messages[1].message == whole.sink.messages[1].message);
    }
}

TEST_CASE("SMTPUTF8: UTF-8 addresses need the parameter", "[smtp][cases]") {
    driver d;
    REQUIRE(d.send("EHLO client.example.net\r\n") == ehlo_reply_with_tls);
    CHECK(d.send("MAIL FROM:<j\xc3\xb6rg@example.net>\r\n") ==
          "553 5.6.7 UTF-8 address requires the SMTPUTF8 parameter\r\n");
    CHECK(d.send("RSET\r\n") == "250 2.0.0 OK\r\n");
    CHECK(d.send("MAIL FROM:<j\xc3\xb6rg@example.net> SMTPUTF8\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RCPT TO:<alice@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
    CHECK(d.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
    const std::string header = "From: J\xc3\xb6rg <j\xc3\xb6rg@example.net>\r\nTo: "
                               "alice@example.org\r\nSubject: Gr\xc3\xbc\xc3\x9f"
                               "e\r\n";
    CHECK(d.send(header + "\r\nHallo\r\n.\r\n") == "250 2.0.0 Message accepted, queue id S1-1\r\n");

    CHECK(d.send("MAIL FROM:<bob@example.net> BODY=8BITMIME\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RCPT TO:<alice@example.org>\r\n") == "250 2.1.5 Recipient OK\r\n");
    CHECK(d.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
    CHECK(d.send("Subject: plain ascii header\r\n\r\nGr\xc3\xbc\xc3\x9f"
                 "e im Text\r\n.\r\n") == "250 2.0.0 Message accepted, queue id S1-2\r\n");

    CHECK(d.send("MAIL FROM:<bob@example.net> SMTPUTF8\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RCPT TO:<\xc3\xa5lice@example.org>\r\n") ==
          "550 5.1.1 Mailbox does not exist\r\n");
    CHECK(d.send("QUIT\r\n") == "221 2.0.0 Bye\r\n");

    REQUIRE(d.sink.messages.size() == 2);
    CHECK(d.sink.messages[0].transaction.smtputf8);
    CHECK(d.sink.messages[0].transaction.sender->text() == "j\xc3\xb6rg@example.net");
    CHECK(body_after_trace(d.sink.messages[0].message) == header + "\r\nHallo\r\n");
    CHECK(d.sink.messages[0].message.find("with UTF8SMTP id") != std::string::npos);
    CHECK(d.sink.messages[1].transaction.body == body_type::eight_bit_mime);
}

TEST_CASE("SMTPUTF8: UTF-8 recipient without the parameter", "[smtp][cases]") {
    driver d;
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send("MAIL FROM:<bob@example.net>\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send("RCPT TO:<\xc3\xa5lice@example.org>\r\n") ==
          "553 5.6.7 UTF-8 address requires the SMTPUTF8 parameter\r\n");
}
