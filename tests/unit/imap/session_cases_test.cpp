// Transcripts for expunge numbering, partial fetches, nested sections, APPEND, IDLE,
// special-use listing and the mailbox commands.
#include "fixtures.hpp"
#include "session_fixture.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace skrynka;
using namespace skrynka::imap;
using namespace skrynka::imap::test;

namespace {

bool has(const std::string& output, std::string_view text) {
    return output.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("session expunge numbering across sessions", "[imap][session]") {
    session_fixture fixture;
    for (int i = 0; i < 5; ++i) {
        fixture.deliver(fx_p);
    }
    auto a = fixture.logged_in("INBOX");
    auto b = fixture.logged_in("INBOX");
    CHECK(talk(*a, "a2 STORE 2,3,5 +FLAGS.SILENT (\\Deleted)\r\n") == "a2 OK STORE completed\r\n");
    CHECK(talk(*a, "a3 EXPUNGE\r\n") ==
          "* 5 EXPUNGE\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\na3 OK EXPUNGE completed\r\n");

    const std::string fetch = talk(*b, "b2 FETCH 1:5 (FLAGS)\r\n");
    CHECK_FALSE(has(fetch, "EXPUNGE"));
    CHECK(has(fetch, "* 1 FETCH (FLAGS ())\r\n"));
    CHECK(has(fetch, "* 4 FETCH (FLAGS ())\r\n"));
    CHECK_FALSE(has(talk(*b, "b3 SEARCH ALL\r\n"), "EXPUNGE"));
    CHECK(talk(*b, "b4 NOOP\r\n") ==
          "* 5 EXPUNGE\r\n* 3 EXPUNGE\r\n* 2 EXPUNGE\r\nb4 OK NOOP completed\r\n");
    CHECK(talk(*b, "b5 UID FETCH 1:* (UID)\r\n") ==
          "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 4)\r\nb5 OK UID FETCH completed\r\n");

    CHECK(talk(*b, "b6 IDLE\r\n") == "+ idling\r\n");
    talk(*a, "a4 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    talk(*a, "a5 EXPUNGE\r\n");
    CHECK(b->poll().replies == "* 1 EXPUNGE\r\n");
    CHECK(talk(*b, "DONE\r\n") == "b6 OK IDLE terminated\r\n");
}

TEST_CASE("session sees other session's flags and new mail", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto a = fixture.logged_in("INBOX");
    auto b = fixture.logged_in("INBOX");
    talk(*a, "a1 STORE 1 +FLAGS.SILENT (\\Seen $Work)\r\n");
    fixture.deliver(fx_append);
    CHECK(talk(*b, "b1 NOOP\r\n") ==
          "* 1 FETCH (FLAGS (\\Seen $Work))\r\n* 2 EXISTS\r\nb1 OK NOOP completed\r\n");
    CHECK(talk(*b, "b2 NOOP\r\n") == "b2 OK NOOP completed\r\n");
    // A session's own change does not come back as an update.
    CHECK(talk(*a, "a2 NOOP\r\n") == "* 2 EXISTS\r\na2 OK NOOP completed\r\n");
}

TEST_CASE("session partial fetch framing", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a2 FETCH 1 (BODY.PEEK[]<0.10>)\r\n") ==
          "* 1 FETCH (BODY[]<0> {10}\r\nSubject: p)\r\na2 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a3 FETCH 1 (BODY.PEEK[]<14.10>)\r\n") ==
          "* 1 FETCH (BODY[]<14> {10}\r\n0123456789)\r\na3 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a4 FETCH 1 (BODY.PEEK[]<20.100>)\r\n") ==
          "* 1 FETCH (BODY[]<20> {6}\r\n6789\r\n)\r\na4 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a5 FETCH 1 (BODY.PEEK[]<26.5>)\r\n") ==
          "* 1 FETCH (BODY[]<26> {0}\r\n)\r\na5 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a6 FETCH 1 (BODY.PEEK[]<1000.5>)\r\n") ==
          "* 1 FETCH (BODY[]<1000> {0}\r\n)\r\na6 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a7 FETCH 1 (BODY.PEEK[TEXT]<0.4>)\r\n") ==
          "* 1 FETCH (BODY[TEXT]<0> {4}\r\n0123)\r\na7 OK FETCH completed\r\n");
    CHECK(has(talk(*engine, "a8 FETCH 1 (BODY.PEEK[]<0.0>)\r\n"), "a8 BAD"));
    CHECK(talk(*engine, "a9 FETCH 1 (UID RFC822.SIZE BODY.PEEK[] FLAGS)\r\n") ==
          "* 1 FETCH (UID 1 RFC822.SIZE 26 BODY[] {26}\r\n" + fx_p +
              " FLAGS ())\r\na9 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a10 FETCH 1 (BODY[]<0.2048>)\r\n") ==
          "* 1 FETCH (BODY[]<0> {26}\r\n" + fx_p +
              " FLAGS (\\Seen))\r\na10 OK FETCH completed\r\n");
}

TEST_CASE("session nested message sections", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_nested);
    auto engine = fixture.logged_in("INBOX");
    const std::string structure = talk(*engine, "a2 FETCH 1 (BODYSTRUCTURE)\r\n");
    CHECK(has(structure, "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 203 (NIL \"inner\" "
                         "((NIL NIL \"bob\" \"example.net\"))"));
    const std::string sections =
        talk(*engine, "a3 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2.MIME] BODY.PEEK[2.1] BODY.PEEK[2.2] "
                      "BODY.PEEK[2.2.MIME])\r\n");
    CHECK(sections ==
          "* 1 FETCH (BODY[1] {12}\r\nsee attached BODY[2.MIME] {65}\r\n"
          "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n"
          " BODY[2.1] {5}\r\nplain BODY[2.2] {11}\r\n<p>html</p> BODY[2.2.MIME] {27}\r\n"
          "Content-Type: text/html\r\n\r\n)\r\na3 OK FETCH completed\r\n");
    const std::string inner = talk(*engine, "a4 FETCH 1 (BODY.PEEK[2] BODY.PEEK[2.TEXT] "
                                            "BODY.PEEK[2.HEADER])\r\n");
    CHECK(has(inner, "BODY[2] {203}\r\nFrom: bob@example.net\r\n"));
    CHECK(has(inner, "BODY[2.TEXT] {92}\r\n--i\r\n"));
    CHECK(has(inner, "BODY[2.HEADER] {111}\r\nFrom: bob@example.net\r\n"));
    CHECK(has(talk(*engine, "a5 FETCH 1 (BODY.PEEK[2.0])\r\n"), "a5 BAD"));
    CHECK(talk(*engine, "a6 FETCH 1 (BODY.PEEK[9])\r\n") ==
          "* 1 FETCH (BODY[9] NIL)\r\na6 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a7 FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)])\r\n") ==
          "* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {18}\r\nSubject: outer\r\n\r\n)\r\n"
          "a7 OK FETCH completed\r\n");
}

TEST_CASE("session reads back delivered bytes exactly", "[imap][session]") {
    session_fixture fixture;
    const std::string nul = std::string("Subject: nul\r\n\r\nA") + '\0' + "B\r\n";
    fixture.deliver(nul);
    fixture.deliver(fx_search);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a1 FETCH 1 (BODY.PEEK[])\r\n") ==
          "* 1 FETCH (BODY[] {21}\r\n" + nul + ")\r\na1 OK FETCH completed\r\n");
    CHECK(talk(*engine, "a2 UID FETCH 2 (RFC822)\r\n") ==
          "* 2 FETCH (UID 2 RFC822 {183}\r\n" + fx_search +
              " FLAGS (\\Seen))\r\na2 OK UID FETCH completed\r\n");
    CHECK(has(talk(*engine, "a3 FETCH 2 (RFC822.HEADER RFC822.TEXT)\r\n"),
              "RFC822.TEXT {15}\r\nStra=C3=9Fe 1\r\n)"));
}

TEST_CASE("session APPEND flags, dates and TRYCREATE", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    CHECK(
        talk(*engine, "a2 APPEND INBOX (\\Seen $Work) \"07-Feb-1994 12:33:30 -0800\" {153}\r\n") ==
        "+ Ready for literal data\r\n");
    CHECK(has(talk(*engine, fx_append + "\r\n"), "a2 OK [APPENDUID "));
    talk(*engine, "a3 APPEND INBOX () \" 7-Feb-1994 00:05:00 +0530\" {153}\r\n");
    CHECK(has(talk(*engine, fx_append + "\r\n"), "a3 OK"));
    talk(*engine, "a4 APPEND INBOX \"31-Feb-1994 25:61:00 +9999\" {153}\r\n");
    CHECK(has(talk(*engine, fx_append + "\r\n"), "a4 BAD"));
    talk(*engine, "a5 APPEND NoSuchBox {153}\r\n");
    CHECK(has(talk(*engine, fx_append + "\r\n"), "a5 NO [TRYCREATE]"));
    CHECK_FALSE(fixture.store->find_mailbox("NoSuchBox"));
    talk(*engine, "a6 SELECT INBOX\r\n");
    CHECK(talk(*engine, "a7 UID FETCH 1:2 (FLAGS INTERNALDATE RFC822.SIZE)\r\n") ==
          "* 1 FETCH (UID 1 FLAGS (\\Seen $Work) INTERNALDATE \" 7-Feb-1994 20:33:30 +0000\" "
          "RFC822.SIZE 153)\r\n"
          "* 2 FETCH (UID 2 FLAGS () INTERNALDATE \" 6-Feb-1994 18:35:00 +0000\" "
          "RFC822.SIZE 153)\r\na7 OK UID FETCH completed\r\n");
}

TEST_CASE("session IDLE pushes updates and ends on done", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in("INBOX");
    auto other = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a3 IDLE\r\n") == "+ idling\r\n");
    CHECK(engine->idling());
    CHECK(engine->poll().replies.empty());
    fixture.deliver(fx_append);
    CHECK(engine->poll().replies == "* 2 EXISTS\r\n");
    talk(*other, "o1 STORE 1 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(engine->poll().replies == "* 1 FETCH (FLAGS (\\Seen))\r\n");
    CHECK(talk(*engine, "done\r\n") == "a3 OK IDLE terminated\r\n");
    CHECK_FALSE(engine->idling());
    CHECK(engine->read_timeout() >= std::chrono::minutes(30));

    auto unselected = fixture.logged_in();
    CHECK(talk(*unselected, "b2 IDLE\r\n") == "+ idling\r\n");
    CHECK(talk(*unselected, "DONE\r\n") == "b2 OK IDLE terminated\r\n");
}

TEST_CASE("session autologout sends one BYE", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(engine->read_timeout() == std::chrono::seconds(60));
    const session_output output = engine->timed_out();
    CHECK(output.replies == "* BYE Autologout, idle for too long\r\n");
    CHECK(output.step == next_step::close);
}

TEST_CASE("session special-use in LIST and LSUB", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    const std::string list = talk(*engine, "a2 LIST \"\" \"*\"\r\n");
    CHECK(has(list, "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren \\Archive) \"/\" Archive\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"));
    CHECK(has(talk(*engine, "a3 LSUB \"\" \"*\"\r\n"),
              "* LSUB (\\HasNoChildren \\Sent) \"/\" Sent\r\n"));
    const std::string special = talk(*engine, "a5 LIST (SPECIAL-USE) \"\" \"*\"\r\n");
    CHECK_FALSE(has(special, "INBOX"));
    CHECK(has(special, "\\Junk"));
    CHECK(has(talk(*engine, "a4 LIST \"\" \"*\" RETURN (SPECIAL-USE)\r\n"), "\\Sent"));
    const std::string with_status =
        talk(*engine, "a8 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (UNSEEN MESSAGES))\r\n");
    CHECK(has(with_status, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
                           "* STATUS INBOX (UNSEEN 0 MESSAGES 0)\r\n"));
    CHECK(has(with_status, "* STATUS Sent (UNSEEN 0 MESSAGES 0)\r\n"));
    CHECK(has(talk(*engine, "a9 LIST \"\" \"*\" RETURN (STATUS (BOGUS))\r\n"), "a9 BAD"));
    CHECK(talk(*engine, "a6 LIST \"\" \"\"\r\n") ==
          "* LIST (\\Noselect) \"/\" \"\"\r\na6 OK LIST completed\r\n");
    CHECK(has(talk(*engine, "a7 LIST \"\" inbox\r\n"), "* LIST (\\HasNoChildren) \"/\" INBOX"));
}

TEST_CASE("session hierarchy, rename and delete", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    CHECK(has(talk(*engine, "a1 CREATE Work/2024/\r\n"), "a1 OK"));
    const std::string children = talk(*engine, "a2 LIST \"\" %\r\n");
    CHECK(has(children, "* LIST (\\HasChildren) \"/\" Work\r\n"));
    CHECK_FALSE(has(children, "Work/2024"));
    CHECK(has(talk(*engine, "a3 LIST Work/ %\r\n"), "* LIST (\\HasNoChildren) \"/\" Work/2024"));
    CHECK(has(talk(*engine, "a4 RENAME Work Play\r\n"), "a4 OK"));
    CHECK(fixture.store->find_mailbox("Play/2024"));
    CHECK(has(talk(*engine, "a5 CREATE INBOX\r\n"), "a5 NO"));
    CHECK(has(talk(*engine, "a6 DELETE INBOX\r\n"), "a6 NO"));
    CHECK(has(talk(*engine, "a7 DELETE Nope\r\n"), "a7 NO [NONEXISTENT]"));
    CHECK(has(talk(*engine, "a8 DELETE Play/2024\r\n"), "a8 OK"));
    CHECK(has(talk(*engine, "a9 UNSUBSCRIBE Sent\r\n"), "a9 OK"));
    CHECK_FALSE(has(talk(*engine, "a10 LSUB \"\" *\r\n"), "Sent"));
}

TEST_CASE("session rename INBOX moves its messages", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    fixture.deliver(fx_append);
    auto engine = fixture.logged_in();
    CHECK(has(talk(*engine, "a1 RENAME INBOX Old\r\n"), "a1 OK"));
    CHECK(has(talk(*engine, "a2 STATUS INBOX (MESSAGES)\r\n"), "* STATUS INBOX (MESSAGES 0)"));
    CHECK(has(talk(*engine, "a3 STATUS Old (MESSAGES UNSEEN)\r\n"),
              "* STATUS Old (MESSAGES 2 UNSEEN 2)"));
}

TEST_CASE("session STORE, COPY and MOVE", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    fixture.deliver(fx_append);
    fixture.deliver(fx_nested);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a1 STORE 1:2 +FLAGS (\\Flagged)\r\n") ==
          "* 1 FETCH (FLAGS (\\Flagged))\r\n* 2 FETCH (FLAGS (\\Flagged))\r\n"
          "a1 OK STORE completed\r\n");
    CHECK(talk(*engine, "a2 UID STORE 2 -FLAGS \\Flagged\r\n") ==
          "* 2 FETCH (UID 2 FLAGS ())\r\na2 OK UID STORE completed\r\n");
    CHECK(talk(*engine, "a3 STORE 3 FLAGS.SILENT (\\Seen)\r\n") == "a3 OK STORE completed\r\n");
    CHECK(has(talk(*engine, "a4 STORE 4 +FLAGS (\\Seen)\r\n"), "a4 BAD"));
    CHECK(has(talk(*engine, "a5 STORE 1 +FLAGS (\\Recent)\r\n"), "a5 BAD"));

    const std::string archive = talk(*engine, "a6 STATUS Archive (UIDVALIDITY)\r\n");
    const std::string validity = archive.substr(
        archive.find("UIDVALIDITY ") + 12, archive.find(')') - archive.find("UIDVALIDITY ") - 12);
    CHECK(talk(*engine, "a7 COPY 1:2 Archive\r\n") ==
          "a7 OK [COPYUID " + validity + " 1,2 1,2] COPY completed\r\n");
    CHECK(has(talk(*engine, "a8 COPY 1 Nowhere\r\n"), "a8 NO [TRYCREATE]"));
    CHECK(talk(*engine, "a9 UID MOVE 1,3 Archive\r\n") ==
          "* OK [COPYUID " + validity +
              " 1,3 3,4] Moved\r\n* 3 EXPUNGE\r\n* 1 EXPUNGE\r\n"
              "a9 OK MOVE completed\r\n");
    CHECK(has(talk(*engine, "a10 STATUS Archive (MESSAGES)\r\n"), "(MESSAGES 4)"));
    CHECK(talk(*engine, "a11 FETCH 1 (UID)\r\n") ==
          "* 1 FETCH (UID 2)\r\na11 OK FETCH completed\r\n");
}

TEST_CASE("session EXAMINE is read-only", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in();
    CHECK(has(talk(*engine, "a1 EXAMINE INBOX\r\n"), "a1 OK [READ-ONLY]"));
    CHECK(has(talk(*engine, "a2 STORE 1 +FLAGS (\\Deleted)\r\n"), "a2 NO [READ-ONLY]"));
    CHECK(has(talk(*engine, "a3 EXPUNGE\r\n"), "a3 NO [READ-ONLY]"));
    CHECK_FALSE(has(talk(*engine, "a4 FETCH 1 (BODY[TEXT])\r\n"), "\\Seen"));
    CHECK(has(talk(*engine, "a5 CLOSE\r\n"), "a5 OK"));
    CHECK(has(talk(*engine, "a6 FETCH 1 (FLAGS)\r\n"), "a6 BAD"));
}

TEST_CASE("session CLOSE expunges silently", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p, storage::flag::deleted);
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a1 CLOSE\r\n") == "a1 OK CLOSE completed\r\n");
    CHECK(has(talk(*engine, "a2 STATUS INBOX (MESSAGES)\r\n"), "(MESSAGES 1)"));
}

TEST_CASE("session UID EXPUNGE limits to the set", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p, storage::flag::deleted);
    fixture.deliver(fx_p, storage::flag::deleted);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a1 UID EXPUNGE 2\r\n") == "* 2 EXPUNGE\r\na1 OK EXPUNGE completed\r\n");
}

TEST_CASE("session SEARCH over decrypted content", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p, storage::flag::seen);
    fixture.deliver(fx_search);
    fixture.deliver(fx_append, storage::flag::flagged);
    auto engine = fixture.logged_in("INBOX");
    CHECK(talk(*engine, "a1 SEARCH UNSEEN\r\n") == "* SEARCH 2 3\r\na1 OK SEARCH completed\r\n");
    CHECK(talk(*engine, "a2 SEARCH CHARSET UTF-8 BODY {7}\r\nStraße\r\n") ==
          "+ Ready for literal data\r\n* SEARCH 2\r\na2 OK SEARCH completed\r\n");
    CHECK(talk(*engine, "a3 UID SEARCH OR FLAGGED SUBJECT p\r\n") ==
          "* SEARCH 1 3\r\na3 OK UID SEARCH completed\r\n");
    CHECK(talk(*engine, "a4 SEARCH SENTON 7-Feb-1994\r\n") ==
          "* SEARCH 3\r\na4 OK SEARCH completed\r\n");
    CHECK(has(talk(*engine, "a5 SEARCH CHARSET KOI8-R ALL\r\n"), "a5 NO [BADCHARSET"));
    CHECK(has(talk(*engine, "a6 SEARCH BOGUS\r\n"), "a6 BAD"));
    CHECK(talk(*engine, "a7 SEARCH 2:* NOT 3\r\n") == "* SEARCH 2\r\na7 OK SEARCH completed\r\n");
}

TEST_CASE("session state and command errors", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    CHECK(talk(*engine, "a1 FETCH 1 FLAGS\r\n") == "a1 BAD Log in first\r\n");
    CHECK(talk(*engine, "a2 FROB\r\n") == "a2 BAD Unknown command\r\n");
    CHECK(talk(*engine, "\r\n") == "* BAD Missing command tag\r\n");
    CHECK(talk(*engine, "a3 UID NOOP\r\n") == "a3 BAD Unknown UID command\r\n");
    CHECK(has(talk(*engine, "a4 NAMESPACE\r\n"), "a4 BAD"));
    CHECK(has(talk(*engine, "a5 ID (\"name\" \"test\")\r\n"), "* ID (\"name\" \"skrynka\")"));
    const session_output bye = engine->feed("a6 LOGOUT\r\n");
    CHECK(bye.replies == "* BYE Logging out\r\na6 OK LOGOUT completed\r\n");
    CHECK(bye.step == next_step::close);
}

TEST_CASE("session closes after too many commands before login", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.open_session();
    std::string output;
    for (int i = 0; i < 31; ++i) {
        output += talk(*engine, "n NOOP\r\n");
    }
    CHECK(has(output, "* BYE Too many commands before login"));
}

TEST_CASE("session output is the same at every split offset", "[imap][session]") {
    const std::string input = "a1 LOGIN {5+}\r\nalice secret\r\na2 SELECT INBOX\r\n"
                              "a3 FETCH 1 (BODY.PEEK[]<0.10>)\r\na4 APPEND INBOX {26+}\r\n" +
                              fx_p + "\r\na5 NOOP\r\n";
    std::string expected;
    {
        session_fixture fixture;
        fixture.deliver(fx_p);
        auto engine = fixture.open_session();
        expected = talk(*engine, input);
    }
    CHECK(has(expected, "a5 OK"));
    for (std::size_t split = 1; split < input.size(); split += 7) {
        INFO("split " << split);
        session_fixture fixture;
        fixture.deliver(fx_p);
        auto engine = fixture.open_session();
        std::string output = talk(*engine, input.substr(0, split));
        output += talk(*engine, input.substr(split));
        // UIDVALIDITY differs between stores; compare everything else.
        const auto strip = [](std::string text) {
            const std::size_t at = text.find("[UIDVALIDITY ");
            if (at != std::string::npos) {
                text.erase(at, text.find(']', at) - at);
            }
            const std::size_t appenduid = text.find("[APPENDUID ");
            if (appenduid != std::string::npos) {
                text.erase(appenduid, text.find(']', appenduid) - appenduid);
            }
            return text;
        };
        CHECK(strip(output) == strip(expected));
    }
}

TEST_CASE("session CONDSTORE mod-sequences", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    fixture.deliver(fx_p);
    auto engine = fixture.logged_in();
    CHECK(talk(*engine, "a1 ENABLE CONDSTORE X-UNKNOWN\r\n") ==
          "* ENABLED CONDSTORE\r\na1 OK ENABLE completed\r\n");
    const std::string select = talk(*engine, "a2 SELECT INBOX\r\n");
    const std::size_t at = select.find("* OK [HIGHESTMODSEQ ");
    REQUIRE(at != std::string::npos);
    const std::int64_t highest = std::stoll(select.substr(at + 20));

    const std::string stored = talk(*engine, "a3 STORE 1 +FLAGS.SILENT (\\Seen)\r\n");
    CHECK(stored ==
          fmt::format("* 1 FETCH (MODSEQ ({}))\r\na3 OK STORE completed\r\n", highest + 1));
    CHECK(talk(*engine, fmt::format("a4 FETCH 1:* (FLAGS) (CHANGEDSINCE {})\r\n", highest)) ==
          fmt::format("* 1 FETCH (FLAGS (\\Seen) MODSEQ ({}))\r\na4 OK FETCH completed\r\n",
                      highest + 1));
    CHECK(talk(*engine, fmt::format("a5 STORE 1:2 (UNCHANGEDSINCE {}) +FLAGS.SILENT "
                                    "(\\Flagged)\r\n",
                                    highest)) ==
          fmt::format("* 2 FETCH (MODSEQ ({}))\r\na5 OK [MODIFIED 1] Conditional STORE failed\r\n",
                      highest + 2));
    CHECK(talk(*engine, "a6 UID SEARCH MODSEQ 1\r\n") ==
          fmt::format("* SEARCH 1 2 (MODSEQ {})\r\na6 OK UID SEARCH completed\r\n", highest + 2));
    CHECK(has(talk(*engine, "a7 FETCH 2 (MODSEQ)\r\n"),
              fmt::format("* 2 FETCH (MODSEQ ({}))", highest + 2)));
    CHECK(has(talk(*engine, "a8 FETCH 1 (FLAGS) (CHANGEDSINCE x)\r\n"), "a8 BAD"));
    CHECK(has(talk(*engine, "a9 STATUS INBOX (HIGHESTMODSEQ)\r\n"),
              fmt::format("(HIGHESTMODSEQ {})", highest + 2)));
}

TEST_CASE("session CONDSTORE adds MODSEQ to updates", "[imap][session]") {
    session_fixture fixture;
    fixture.deliver(fx_p);
    auto a = fixture.logged_in("INBOX");
    auto b = fixture.open_session();
    talk(*b, "b1 LOGIN alice secret\r\n");
    CHECK(has(talk(*b, "b2 SELECT INBOX (CONDSTORE)\r\n"), "b2 OK"));
    talk(*a, "a1 STORE 1 +FLAGS.SILENT (\\Answered)\r\n");
    const std::string update = talk(*b, "b3 NOOP\r\n");
    CHECK(has(update, "* 1 FETCH (FLAGS (\\Answered) MODSEQ ("));
    CHECK(has(talk(*b, "b4 SELECT INBOX (BOGUS)\r\n"), "b4 BAD"));
}

TEST_CASE("session UTF8=ACCEPT names and APPEND", "[imap][session]") {
    session_fixture fixture;
    auto engine = fixture.logged_in();
    CHECK(has(talk(*engine, "a1 CREATE \"Tom &- Jerry\"\r\n"), "a1 OK"));
    CHECK(has(talk(*engine, "a2 CREATE \"Entw&APw-rfe\"\r\n"), "a2 OK"));
    CHECK(has(talk(*engine, "a3 APPEND INBOX (\\Seen) UTF8 (~{5+}\r\nhello)\r\n"), "a3 BAD"));
    CHECK(talk(*engine, "a4 ENABLE UTF8=ACCEPT\r\n") ==
          "* ENABLED UTF8=ACCEPT\r\na4 OK ENABLE completed\r\n");
    const std::string list = talk(*engine, "a5 LIST \"\" \"*\"\r\n");
    CHECK(has(list, "* LIST (\\HasNoChildren) \"/\" \"Tom & Jerry\"\r\n"));
    CHECK(has(list, "* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"\r\n"));
    CHECK_FALSE(has(list, "&APw-"));
    CHECK(has(talk(*engine, "a6 SELECT \"Entwürfe\"\r\n"), "a6 OK"));
    CHECK(has(talk(*engine, "a7 CREATE \"bad\xC3\"\r\n"), "a7 BAD"));

    CHECK(talk(*engine, "a8 APPEND INBOX (\\Seen) UTF8 (~{153}\r\n") ==
          "+ Ready for literal data\r\n");
    const std::string appended = talk(*engine, fx_append + ")\r\n");
    CHECK(has(appended, "a8 OK [APPENDUID "));
    CHECK(has(talk(*engine, "a9 STATUS INBOX (MESSAGES)\r\n"), "(MESSAGES 1)"));
}
