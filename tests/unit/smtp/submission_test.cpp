// Golden transcripts of the SMTP engine in submission mode: AUTH PLAIN and LOGIN with the
// SASL edge cases of RFC 4616 and RFC 4954, TLS before AUTH, sender binding, the
// added Date and Message-ID, and end-of-data framing on the submission port.
#include "src/smtp/submission_policy.hpp"
#include "tests/unit/smtp/session_fixture.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka;
using namespace skrynka::smtp;
using namespace skrynka::smtp::testing;

namespace {

// Accepts alice@example.org with "secret"; alice may also send as info@example.org.
class fake_authenticator : public authenticator {
  public:
    auth_outcome authenticate(std::string_view login_name,
                              const crypto::secret_bytes& password) override {
        logins.emplace_back(login_name);
        const bool right = password.size() == 6 &&
                           std::string_view(reinterpret_cast<const char*>(password.data()), 6) ==
                               "secret";
        if (login_name != "alice@example.org" || !right) {
            return failed_auth(auth_status::invalid);
        }
        auth_outcome outcome;
        outcome.status = auth_status::success;
        outcome.account = 7;
        outcome.user = "alice@example.org";
        outcome.sender_addresses = {"info@example.org", "alice@example.org"};
        return outcome;
    }

    std::vector<std::string> logins;
};

session_config submission_config() {
    session_config config = make_config();
    config.submission = true;
    return config;
}

// A submission session in immediate mode, already in TLS and after EHLO.
struct submission_driver {
    submission_driver() : engine(submission_config(), policy, sink, users) {
        greeting = engine.greet().replies;
        engine.feed("EHLO client.example.net\r\n");
        engine.feed("STARTTLS\r\n");
        engine.tls_started({"TLSv1.3", "TLS_AES_256_GCM_SHA384"});
        ehlo = engine.feed("EHLO client.example.net\r\n").replies;
    }

    std::string send(std::string_view input) { return engine.feed(input).replies; }

    fake_policy policy;
    recording_sink sink;
    fake_authenticator users;
    session engine;
    std::string greeting;
    std::string ehlo;
};

constexpr std::string_view alice_plain = "AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n";

std::string base64_of(std::string_view text) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 3 <= text.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                           (static_cast<unsigned char>(text[i + 1]) << 8) |
                           static_cast<unsigned char>(text[i + 2]);
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
                alphabet[v & 63]};
    }
    if (text.size() - i == 1) {
        const unsigned v = static_cast<unsigned char>(text[i]) << 16;
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '='};
    } else if (text.size() - i == 2) {
        const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                           (static_cast<unsigned char>(text[i + 1]) << 8);
        out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

std::string plain_line(std::string_view response) {
    return "AUTH PLAIN " + base64_of(response) + "\r\n";
}

} // namespace

TEST_CASE("submission offers AUTH only after TLS", "[smtp][submission]") {
    fake_policy policy;
    recording_sink sink;
    fake_authenticator users;
    session engine(submission_config(), policy, sink, users);
    engine.greet();
    const std::string cleartext_ehlo = engine.feed("EHLO client.example.net\r\n").replies;
    CHECK(cleartext_ehlo.find("AUTH") == std::string::npos);
    CHECK(cleartext_ehlo.find("STARTTLS") != std::string::npos);
    CHECK(engine.feed(alice_plain).replies == "530 5.7.0 Must issue a STARTTLS command first\r\n");
    CHECK(engine.feed("MAIL FROM:<alice@example.org>\r\n").replies ==
          "530 5.7.0 Authentication required\r\n");
    CHECK(users.logins.empty());

    submission_driver d;
    CHECK(d.ehlo.find("250 AUTH PLAIN LOGIN\r\n") != std::string::npos);
    CHECK(d.ehlo.find("STARTTLS") == std::string::npos);
}

TEST_CASE("submission requires AUTH before MAIL", "[smtp][submission]") {
    submission_driver d;
    CHECK(d.send("MAIL FROM:<alice@example.org>\r\n") == "530 5.7.0 Authentication required\r\n");
    CHECK(d.send(alice_plain) == "235 2.7.0 Authentication successful\r\n");
    CHECK(d.engine.authenticated_user() == "alice@example.org");
    CHECK(d.send("MAIL FROM:<alice@example.org>\r\n") == "250 2.1.0 Sender OK\r\n");
    CHECK(d.send(alice_plain) == "503 5.5.1 Already authenticated\r\n");
}

TEST_CASE("submission PLAIN authzid rules", "[smtp][submission]") {
    struct block {
        std::string response;
        std::string reply;
    };
    const std::vector<block> blocks{
        {std::string("\0alice@example.org\0secret", 25), "235 2.7.0 Authentication successful\r\n"},
        {std::string("alice@example.org\0alice@example.org\0secret", 42),
         "235 2.7.0 Authentication successful\r\n"},
        {std::string("Alice@Example.org\0alice@example.org\0secret", 42),
         "235 2.7.0 Authentication successful\r\n"},
        {std::string("bob@example.org\0alice@example.org\0secret", 40),
         "535 5.7.8 Authentication credentials invalid\r\n"},
        {std::string("alice@example.org\0\0secret", 25),
         "501 5.5.2 Cannot decode the authentication response\r\n"},
        {std::string("\0alice@example.org\0wrong", 24),
         "535 5.7.8 Authentication credentials invalid\r\n"},
        {std::string("\0alice@example.org\0", 19),
         "501 5.5.2 Cannot decode the authentication response\r\n"},
    };
    for (const block& b : blocks) {
        submission_driver d;
        INFO("response " << b.response.size() << " octets");
        CHECK(d.send(plain_line(b.response)) == b.reply);
        const bool success = b.reply.rfind("235", 0) == 0;
        // The sender binding follows the login, and bob is never alice.
        CHECK(d.send("MAIL FROM:<bob@example.org>\r\n") ==
              (success ? "553 5.7.1 Sender address is not an address of your account\r\n"
                       : "530 5.7.0 Authentication required\r\n"));
        CHECK(reply_codes(d.send("MAIL FROM:<alice@example.org>\r\n")) ==
              std::vector<int>{success ? 250 : 530});
    }
}

TEST_CASE("submission PLAIN with empty challenge", "[smtp][submission]") {
    submission_driver d;
    CHECK(d.send("AUTH PLAIN\r\n") == "334 \r\n");
    CHECK(d.send("AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldA==\r\n") ==
          "235 2.7.0 Authentication successful\r\n");

    submission_driver cancelled;
    CHECK(cancelled.send("AUTH PLAIN\r\n") == "334 \r\n");
    CHECK(cancelled.send("*\r\n") == "501 5.0.0 Authentication cancelled\r\n");
    CHECK(cancelled.users.logins.empty());
    // The exchange is over: the next line is a command again.
    CHECK(cancelled.send("NOOP\r\n") == "250 2.0.0 OK\r\n");

    submission_driver garbage;
    CHECK(garbage.send("AUTH PLAIN\r\n") == "334 \r\n");
    CHECK(garbage.send("not base64!\r\n") ==
          "501 5.5.2 Cannot decode the authentication response\r\n");
}

TEST_CASE("submission LOGIN prompts and cancel", "[smtp][submission]") {
    submission_driver d;
    CHECK(d.send("AUTH LOGIN\r\n") == "334 VXNlcm5hbWU6\r\n");
    CHECK(d.send(base64_of("alice@example.org") + "\r\n") == "334 UGFzc3dvcmQ6\r\n");
    CHECK(d.send("c2VjcmV0\r\n") == "235 2.7.0 Authentication successful\r\n");

    submission_driver initial;
    CHECK(initial.send("AUTH LOGIN " + base64_of("alice@example.org") + "\r\n") ==
          "334 UGFzc3dvcmQ6\r\n");
    CHECK(initial.send("d3Jvbmc=\r\n") == "535 5.7.8 Authentication credentials invalid\r\n");

    submission_driver cancelled;
    CHECK(cancelled.send("AUTH LOGIN\r\n") == "334 VXNlcm5hbWU6\r\n");
    CHECK(cancelled.send("YWxpY2U=\r\n") == "334 UGFzc3dvcmQ6\r\n");
    CHECK(cancelled.send("*\r\n") == "501 5.0.0 Authentication cancelled\r\n");
    CHECK(cancelled.users.logins.empty());
}

TEST_CASE("submission rejects unknown mechanisms", "[smtp][submission]") {
    submission_driver d;
    CHECK(d.send("AUTH CRAM-MD5\r\n") == "504 5.5.4 Unrecognized authentication mechanism\r\n");
    CHECK(d.send("AUTH\r\n") == "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
}

TEST_CASE("submission pipelined AUTH keeps order", "[smtp][submission]") {
    submission_driver d;
    CHECK(reply_codes(d.send(std::string(alice_plain) +
                             "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\n")) ==
          std::vector<int>{235, 250, 250});
}

TEST_CASE("submission binds the envelope sender", "[smtp][submission]") {
    submission_driver d;
    d.send(alice_plain);
    CHECK(d.send("MAIL FROM:<>\r\n") ==
          "553 5.7.1 Sender address is not an address of your account\r\n");
    CHECK(d.send("MAIL FROM:<ceo@example.org>\r\n") ==
          "553 5.7.1 Sender address is not an address of your account\r\n");
    CHECK(d.send("MAIL FROM:<ALICE@EXAMPLE.ORG>\r\n") == "250 2.1.0 Sender OK\r\n");
    d.send("RSET\r\n");
    CHECK(d.send("MAIL FROM:<info@example.org>\r\n") == "250 2.1.0 Sender OK\r\n");
    d.send("RSET\r\n");
    CHECK(d.send("MAIL FROM:<alice+lists@example.org>\r\n") == "250 2.1.0 Sender OK\r\n");
}

TEST_CASE("submission binds the header From", "[smtp][submission]") {
    submission_driver d;
    d.send(alice_plain);
    const std::string envelope =
        "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n";

    CHECK(reply_codes(d.send(envelope + "From: CEO <ceo@example.org>\r\n\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 553});
    CHECK(reply_codes(d.send(envelope + "From: alice@example.org\r\nFrom: ceo@example.org\r\n"
                                        "\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 553});
    CHECK(reply_codes(d.send(envelope + "From: alice@example.org, ceo@example.org\r\n"
                                        "Sender: alice@example.org\r\n\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 553});
    CHECK(reply_codes(d.send(envelope + "From: alice@example.org\r\nSender: ceo@example.org\r\n"
                                        "\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 553});
    CHECK(reply_codes(d.send(envelope + "Subject: no from\r\n\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 554});
    CHECK(d.sink.messages.empty());

    CHECK(reply_codes(d.send(envelope + "From: \"Info\" <INFO@example.org>\r\n\r\nhi\r\n.\r\n")) ==
          std::vector<int>{250, 250, 354, 250});
    CHECK(d.sink.messages.size() == 1);
}

TEST_CASE("submission adds Date and Message-ID", "[smtp][submission]") {
    submission_driver d;
    d.send(alice_plain);
    d.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
           "From: alice@example.org\r\nSubject: hi\r\n\r\nbody\r\n.\r\n");
    REQUIRE(d.sink.messages.size() == 1);
    const delivered_message& sent = d.sink.messages[0];
    CHECK(sent.transaction.sender_account == 7);
    CHECK(sent.transaction.authenticated_user == "alice@example.org");
    CHECK(sent.message.find("with ESMTPSA id S1-1") != std::string::npos);
    CHECK(sent.message.find("\r\nDate: Fri, 04 Dec 2026 21:13:46 +0000\r\nMessage-ID: <") !=
          std::string::npos);
    CHECK(sent.message.find("@mail.example.org>\r\nFrom: alice@example.org\r\n") !=
          std::string::npos);

    submission_driver kept;
    kept.send(alice_plain);
    kept.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
              "From: alice@example.org\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
              "Message-ID: <a@b>\r\n\r\nbody\r\n.\r\n");
    REQUIRE(kept.sink.messages.size() == 1);
    const std::string& message = kept.sink.messages[0].message;
    CHECK(message.find("Date: ") == message.rfind("Date: "));
    CHECK(message.find("Message-ID: ") == message.rfind("Message-ID: "));
}

TEST_CASE("submission smuggling variants stay one message", "[smtp][submission]") {
    const std::vector<std::string> variants{"\n.\r\n", "\n.\n",  "\r\n.\n", "\r.\r\n",
                                            "\r\n.\r", "\r.\r", "\n.\r"};
    for (const std::string& x : variants) {
        submission_driver d;
        d.send(alice_plain);
        const std::string replies = d.send(
            "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: one\r\n\r\nfirst" +
            x +
            "MAIL FROM:<ceo@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            "From: ceo@example.org\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\nQUIT\r\n");
        INFO("variant " << base64_of(x));
        const std::vector<int> codes = reply_codes(replies);
        REQUIRE(codes.size() == 5);
        CHECK(codes[0] == 250);
        CHECK(codes[1] == 250);
        CHECK(codes[2] == 354);
        CHECK((codes[3] == 250 || codes[3] / 100 == 5));
        CHECK(codes[4] == 221);
        CHECK(d.sink.messages.size() <= 1);
    }
}

TEST_CASE("submission AUTH in deferred mode", "[smtp][submission]") {
    session engine(submission_config());
    engine.greet();
    engine.feed("EHLO client.example.net\r\nSTARTTLS\r\n");
    engine.tls_started({"TLSv1.3", "TLS_AES_256_GCM_SHA384"});
    engine.feed("EHLO client.example.net\r\n");

    session_output out =
        engine.feed(std::string(alice_plain) + "MAIL FROM:<alice@example.org>\r\n");
    REQUIRE(out.step == next_step::authenticate);
    CHECK(out.replies.empty());
    CHECK(engine.pending_login_name() == "alice@example.org");
    CHECK(engine.pending_password().size() == 6);

    fake_authenticator users;
    out = engine.authentication_finished(
        users.authenticate(engine.pending_login_name(), engine.pending_password()));
    CHECK(out.replies == "235 2.7.0 Authentication successful\r\n250 2.1.0 Sender OK\r\n");
    CHECK(out.step == next_step::read);
}

TEST_CASE("port 25 refuses AUTH", "[smtp][submission]") {
    driver d;
    d.send("EHLO client.example.net\r\n");
    CHECK(d.send(alice_plain) == "502 5.5.1 Authentication is not available on this port\r\n");
}

TEST_CASE("own address matching", "[smtp][submission]") {
    const std::vector<std::string> own{"alice@example.org"};
    CHECK(is_own_address("alice@example.org", own));
    CHECK(is_own_address("Alice@EXAMPLE.org", own));
    CHECK(is_own_address("alice+tag@example.org", own));
    CHECK_FALSE(is_own_address("+alice@example.org", own));
    CHECK_FALSE(is_own_address("alice@example.org.evil", own));
    CHECK_FALSE(is_own_address("\"alice\"@example.org", own));
    CHECK_FALSE(is_own_address("alicex@example.org", own));
    CHECK_FALSE(is_own_address("", own));
}
