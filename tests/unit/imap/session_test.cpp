// Golden transcripts for the IMAP session engine over a real encrypted store.
#include "fixtures.hpp"
#include "session_fixture.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace skrynka;
using namespace skrynka::imap;
using namespace skrynka::imap::test;

namespace {

bool has(const std::string& output, std::string_view text) {
    return output.find(text) != std::string::npos;
}

std::uint32_t number_after(const std::string& output, const std::string& prefix) {
    const std::size_t at = output.find(prefix);
    REQUIRE(at != std::string::npos);
    return static_cast<std::uint32_t>(std::stoul(output.substr(at + prefix.size())));
}

} // namespace

TEST_CASE("session greeting advertises STARTTLS before TLS", "[imap][session]") {
    session_fixture fixture;
    session engine(session_fixture::config(false), fixture.logins);
    const std::string greeting = engine.greet().replies;
    CHECK(greeting.rfind("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED ", 0) == 0);
    CHECK_FALSE(has(greeting, "AUTH=PLAIN"));
    const std::string login = talk(engine, "a1 LOGIN alice secret\r\n");
    CHECK(login == "a1 NO [PRIVACYREQUIRED] Log in after STARTTLS\r\n");
    CHECK(has(talk(engine, "a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
              "a2 NO [PRIVACYREQUIRED]"));
    CHECK(has(talk(engine, "a3 SELECT INBOX\r\n"), "a3 BAD"));
}

TEST_CASE("session records cleartext login rejections", "[imap][session]") {
    session_fixture fixture;
    session engine(session_fixture::config(false), fixture.logins);
    engine.greet();
    talk(engine, "a1 LOGIN alice secret\r\n");
    talk(engine, "a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");

    REQUIRE(fixture.logins.rejected.size() == 2);
    CHECK(fixture.logins.rejected[0].name == "alice");
    CHECK(fixture.logins.rejected[0].remote == "192.0.2.9");
    CHECK(fixture.logins.rejected[0].reason == storage::login_failure_reason::cleartext_refused);
    // AUTHENTICATE is rejected before the client sends a name.
    CHECK(fixture.logins.rejected[1].name.empty());
    CHECK(fixture.logins.rejected[1].reason == storage::login_failure_reason::cleartext_refused);
    CHECK(fixture.logins.remotes.empty());
}

TEST_CASE("session passes the remote address to logins", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(has(talk(*engine, "a1 LOGIN alice wrong\r\n"), "a1 NO"));
    CHECK(has(talk(*engine, "a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n"), "a2 OK"));

    REQUIRE(fixture.logins.remotes.size() == 2);
    CHECK(fixture.logins.remotes[0] == "192.0.2.9");
    CHECK(fixture.logins.remotes[1] == "192.0.2.9");
    CHECK(fixture.logins.rejected.empty());
}

TEST_CASE("session records malformed SASL responses", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(has(talk(*engine, "a1 AUTHENTICATE PLAIN !!!notbase64\r\n"), "a1 NO"));

    REQUIRE(fixture.logins.rejected.size() == 1);
    CHECK(fixture.logins.rejected[0].reason == storage::login_failure_reason::malformed);
    CHECK(fixture.logins.remotes.empty());
}

TEST_CASE("session allows cleartext login on loopback policy", "[imap][session]") {
    session_fixture fixture;
    session_config config = session_fixture::config(false);
    config.cleartext_login_allowed = true;
    session engine(config, fixture.logins);
    const std::string greeting = engine.greet().replies;
    CHECK(has(greeting, "AUTH=PLAIN"));
    CHECK_FALSE(has(greeting, "LOGINDISABLED"));
    CHECK(has(talk(engine, "a1 LOGIN alice secret\r\n"), "a1 OK"));
}

TEST_CASE("session discards commands pipelined after STARTTLS", "[imap][session]") {
    for (const char* starttls : {"a STARTTLS\r\n", "a starttls\r\n", "A1 STARTTLS\r\n"}) {
        INFO(starttls);
        session_fixture fixture;
        session engine(session_fixture::config(false), fixture.logins);
        engine.greet();
        const session_output output =
            engine.feed(std::string(starttls) + "b LOGIN alice secret\r\n");
        CHECK(output.step == next_step::start_tls);
        CHECK_FALSE(has(output.replies, "b "));
        CHECK(engine.tls_started().replies.empty());
        const std::string capability = talk(engine, "c CAPABILITY\r\n");
        CHECK_FALSE(has(capability, "STARTTLS"));
        CHECK_FALSE(has(capability, "LOGINDISABLED"));
        CHECK(has(capability, "AUTH=PLAIN"));
        CHECK(has(talk(engine, "d SELECT INBOX\r\n"), "d BAD"));
    }
}

TEST_CASE("session STARTTLS trailing spaces are refused", "[imap][session]") {
    session_fixture fixture;
    session engine(session_fixture::config(false), fixture.logins);
    engine.greet();
    const session_output output = engine.feed("A1 STARTTLS  \r\nb LOGIN alice secret\r\n");
    CHECK(output.step == next_step::read);
    CHECK(has(output.replies, "A1 BAD"));
    CHECK(has(output.replies, "b NO [PRIVACYREQUIRED]"));
}

TEST_CASE("session AUTHENTICATE PLAIN identities", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    // Empty authcid: the challenge is "+" and a space.
    CHECK(talk(*engine, "a1 AUTHENTICATE PLAIN\r\n") == "+ \r\n");
    CHECK(has(talk(*engine, "YWxpY2UAAHNlY3JldA==\r\n"), "a1 NO [AUTHENTICATIONFAILED]"));
    CHECK(has(talk(*engine, "a2 AUTHENTICATE PLAIN Ym9iAGFsaWNlAHNlY3JldA==\r\n"),
              "a2 NO [AUTHORIZATIONFAILED]"));
    CHECK(talk(*engine, "a3 AUTHENTICATE PLAIN\r\n") == "+ \r\n");
    CHECK(has(talk(*engine, "*\r\n"), "a3 BAD"));
    CHECK(has(talk(*engine, "a4 AUTHENTICATE PLAIN YWxpY2UAYWxpY2UAc2VjcmV0\r\n"),
              "a4 OK [CAPABILITY"));
}

TEST_CASE("session AUTHENTICATE PLAIN without authzid", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(has(talk(*engine, "a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n"), "a1 OK"));
}

TEST_CASE("session wrong password fails and closes after three", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(talk(*engine, "a1 LOGIN alice wrong\r\n") ==
          "a1 NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
    CHECK(has(talk(*engine, "a2 LOGIN mallory secret\r\n"), "a2 NO [AUTHENTICATIONFAILED]"));
    const session_output last = engine->feed("a3 AUTHENTICATE PLAIN AGFsaWNlAHdyb25n\r\n");
    CHECK(has(last.replies, "* BYE"));
    CHECK(last.step == next_step::close);
}

TEST_CASE("session literal sizes are checked before reading", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(talk(*engine, "a1 LOGIN {400000000}\r\n") == "a1 BAD Literal too large\r\n");
    CHECK(talk(*engine, "a2 LOGIN {-1}\r\n") == "a2 BAD Invalid literal size\r\n");
    CHECK(talk(*engine, "a3 LOGIN {}\r\n") == "a3 BAD Invalid literal size\r\n");
    CHECK(talk(*engine, "a4 LOGIN {99999999999999999999}\r\n") ==
          "a4 BAD Invalid literal size\r\n");
    CHECK(talk(*engine, "a5 LOGIN {5}\r\n") == "+ Ready for literal data\r\n");
    CHECK(has(talk(*engine, "alice {6}\r\n"), "+ Ready"));
    CHECK(has(talk(*engine, "secret\r\n"), "a5 OK"));
    CHECK(has(talk(*engine, "a6 SELECT INBOX\r\n"), "a6 OK"));
    CHECK(talk(*engine, "a7 SEARCH {-100}\r\n") == "a7 BAD Invalid literal size\r\n");
    CHECK(talk(*engine, "a8 APPEND INBOX {5000000000}\r\n") == "a8 BAD Invalid literal size\r\n");
    CHECK(talk(*engine, "a9 APPEND INBOX {2000000}\r\n") ==
          "a9 NO [TOOBIG] Message exceeds APPENDLIMIT\r\n");
    CHECK(has(talk(*engine, "a10 NOOP\r\n"), "a10 OK"));
    const session_output closing = engine->feed("a11 APPEND INBOX {2000000+}\r\n");
    CHECK(has(closing.replies, "a11 NO [TOOBIG]"));
    CHECK(has(closing.replies, "* BYE"));
    CHECK(closing.step == next_step::close);
}

TEST_CASE("session modified UTF-7 mailbox names", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    CHECK(has(talk(*engine, "a2 CREATE \"Tom &- Jerry\"\r\n"), "a2 OK"));
    CHECK(has(talk(*engine, "a3 CREATE \"Entw&APw-rfe\"\r\n"), "a3 OK"));
    const std::string list = talk(*engine, "a4 LIST \"\" \"*\"\r\n");
    CHECK(has(list, "* LIST (\\HasNoChildren) \"/\" \"Tom &- Jerry\"\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe\r\n"));
    CHECK(has(talk(*engine, "a5 CREATE \"&Jjo!\"\r\n"), "a5 BAD"));
    CHECK(has(talk(*engine, "a6 CREATE \"&U,BTFw-&ZeVnLIqe-\"\r\n"), "a6 BAD"));
    CHECK(has(talk(*engine, "a7 CREATE \"A&AGE-\"\r\n"), "a7 BAD"));
    CHECK(has(talk(*engine, "a8 SELECT \"Tom &- Jerry\"\r\n"), "a8 OK"));
    // Raw UTF-8 names need ENABLE UTF8=ACCEPT.
    CHECK(has(talk(*engine, "a9 CREATE \"Entw\xC3\xBCrfe2\"\r\n"), "a9 BAD"));
    CHECK(fixture.store->find_mailbox("Entwürfe"));
    CHECK(fixture.store->find_mailbox("Tom & Jerry"));
}

TEST_CASE("session UIDs persist and are never reused", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    const std::string select = talk(*engine, "a2 SELECT INBOX\r\n");
    const std::uint32_t validity = number_after(select, "* OK [UIDVALIDITY ");
    const std::uint32_t next = number_after(select, "* OK [UIDNEXT ");
    CHECK(validity != 0);
    CHECK(talk(*engine, "a3 APPEND INBOX {26}\r\n") == "+ Ready for literal data\r\n");
    const std::string appended = talk(*engine, fx_p + "\r\n");
    CHECK(has(appended, "* 1 EXISTS\r\n"));
    CHECK(has(appended, "a3 OK [APPENDUID " + std::to_string(validity) + " " +
                            std::to_string(next) + "] APPEND completed\r\n"));
    CHECK(has(
        talk(*engine, "a4 UID STORE " + std::to_string(next) + " +FLAGS.SILENT (\\Deleted)\r\n"),
        "a4 OK"));
    CHECK(has(talk(*engine, "a5 EXPUNGE\r\n"), "* 1 EXPUNGE\r\n"));
    CHECK(has(talk(*engine, "a6 STATUS INBOX (UIDNEXT UIDVALIDITY)\r\n"),
              "* STATUS INBOX (UIDNEXT " + std::to_string(next + 1) + " UIDVALIDITY " +
                  std::to_string(validity) + ")\r\n"));

    // A new session sees the same values; the next UID is never the expunged one.
    auto second = fixture.logged_in();
    const std::string again = talk(*second, "b2 SELECT INBOX\r\n");
    CHECK(number_after(again, "* OK [UIDVALIDITY ") == validity);
    CHECK(number_after(again, "* OK [UIDNEXT ") == next + 1);
    talk(*second, "b3 APPEND INBOX {26+}\r\n" + fx_p + "\r\n");

    // Recreating a mailbox changes its UIDVALIDITY.
    CHECK(has(talk(*second, "b4 CREATE Tmp\r\n"), "b4 OK"));
    const std::uint32_t first_validity =
        number_after(talk(*second, "b5 SELECT Tmp\r\n"), "* OK [UIDVALIDITY ");
    talk(*second, "b6 UNSELECT\r\n");
    CHECK(has(talk(*second, "b7 DELETE Tmp\r\n"), "b7 OK"));
    CHECK(has(talk(*second, "b8 CREATE Tmp\r\n"), "b8 OK"));
    const std::uint32_t second_validity =
        number_after(talk(*second, "b9 SELECT Tmp\r\n"), "* OK [UIDVALIDITY ");
    CHECK(second_validity != first_validity);
}

TEST_CASE("session SELECT responses have text", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in();
    const std::string select = talk(*engine, "a1 SELECT INBOX\r\n");
    const std::regex code_without_text(R"(\* OK \[[^\]]*\]\r\n)");
    CHECK_FALSE(std::regex_search(select, code_without_text));
    CHECK(has(select, "* 1 EXISTS\r\n"));
    CHECK(has(select, "* OK [UNSEEN 1] First unseen\r\n"));
    CHECK(has(select, "a1 OK [READ-WRITE] SELECT completed\r\n"));
}
