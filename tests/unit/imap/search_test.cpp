#include "fixtures.hpp"
#include "src/imap/response_writer.hpp"
#include "src/imap/search.hpp"
#include "src/mime/summarize.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>
#include <variant>

using namespace skrynka;
using namespace skrynka::imap;

namespace {

class fixed_content : public search_content {
  public:
    explicit fixed_content(std::string raw)
        : raw_(std::move(raw)), summary_(mime::summarize(raw_)) {}
    const mime::message_summary& summary() override {
        ++reads_;
        return summary_;
    }
    std::string_view raw() override {
        ++reads_;
        return raw_;
    }
    int reads_ = 0;

  private:
    std::string raw_;
    mime::message_summary summary_;
};

search_program parse(std::string_view text) {
    argument_parser in(text);
    auto result = parse_search(in);
    REQUIRE(std::holds_alternative<search_program>(result));
    return std::get<search_program>(std::move(result));
}

bool run(std::string_view criteria, const search_message& message, fixed_content& content) {
    const search_program program = parse(criteria);
    return matches(program.root, message, content, search_bounds{10, 100});
}

} // namespace

TEST_CASE("search parses every key", "[imap][search]") {
    for (const char* text : {"ALL",
                             "ANSWERED",
                             "BCC x",
                             "BEFORE 1-Feb-1994",
                             "BODY \"a b\"",
                             "CC x",
                             "DELETED",
                             "DRAFT",
                             "FLAGGED",
                             "FROM x",
                             "HEADER X-Y z",
                             "KEYWORD $Work",
                             "LARGER 10",
                             "NEW",
                             "NOT SEEN",
                             "OLD",
                             "ON \"1-Feb-1994\"",
                             "OR SEEN DRAFT",
                             "RECENT",
                             "SEEN",
                             "SENTBEFORE 1-Feb-1994",
                             "SENTON 1-Feb-1994",
                             "SENTSINCE 1-Feb-1994",
                             "SINCE 1-Feb-1994",
                             "SMALLER 5",
                             "SUBJECT x",
                             "TEXT x",
                             "TO x",
                             "UID 1:*",
                             "UNANSWERED",
                             "UNDELETED",
                             "UNDRAFT",
                             "UNFLAGGED",
                             "UNKEYWORD $Junk",
                             "UNSEEN",
                             "1,3:*",
                             "(SEEN DRAFT)",
                             "CHARSET UTF-8 BODY {7}\r\nStraße",
                             "MODSEQ 5",
                             "MODSEQ \"/flags/\\\\draft\" all 5",
                             "seen not (or 1 2 uid 3)"}) {
        INFO(text);
        argument_parser in(text);
        CHECK(std::holds_alternative<search_program>(parse_search(in)));
    }
}

TEST_CASE("search rejects malformed criteria", "[imap][search]") {
    for (const char* text : {"", "BOGUS", "SEEN ", "OR SEEN", "NOT", "(SEEN", "BEFORE 31-Feb-1994",
                             "LARGER -1", "LARGER 4294967296", "UID x", "0", "HEADER \"\" x",
                             "SEARCH {-100}", "(", ")", "SEEN)", "KEYWORD \\Seen"}) {
        INFO(text);
        argument_parser in(text);
        const auto result = parse_search(in);
        REQUIRE(std::holds_alternative<search_error>(result));
        CHECK(std::get<search_error>(result) == search_error::syntax);
    }
    argument_parser charset("CHARSET KOI8-R ALL");
    const auto result = parse_search(charset);
    REQUIRE(std::holds_alternative<search_error>(result));
    CHECK(std::get<search_error>(result) == search_error::unknown_charset);
}

TEST_CASE("search depth is bounded", "[imap][search]") {
    std::string deep;
    for (int i = 0; i < 10000; ++i) {
        deep += "NOT ";
    }
    deep += "SEEN";
    argument_parser in(deep);
    CHECK(std::holds_alternative<search_error>(parse_search(in)));
}

TEST_CASE("search matches flags, sizes and numbers", "[imap][search]") {
    fixed_content content(test::fx_p);
    const std::vector<std::string> keywords = {"$Work"};
    search_message message;
    message.sequence = 3;
    message.uid = 42;
    message.flags = storage::flag::seen | storage::flag::flagged;
    message.keywords = &keywords;
    message.size = 26;
    message.modseq = 7;
    message.internal_date = *parse_date_time("07-Feb-1994 12:33:30 +0000");

    CHECK(run("SEEN FLAGGED", message, content));
    CHECK_FALSE(run("UNSEEN", message, content));
    CHECK(run("KEYWORD $work", message, content));
    CHECK(run("UNKEYWORD $Junk", message, content));
    CHECK(run("LARGER 25 SMALLER 27", message, content));
    CHECK_FALSE(run("LARGER 26", message, content));
    CHECK(run("2:4", message, content));
    CHECK(run("*:3", message, content));
    CHECK_FALSE(run("1,2", message, content));
    CHECK(run("UID 40:50", message, content));
    CHECK(run("OR DRAFT UID 42", message, content));
    CHECK(run("NOT DRAFT", message, content));
    CHECK(run("ON 7-Feb-1994 SINCE 7-Feb-1994 BEFORE 8-Feb-1994", message, content));
    CHECK_FALSE(run("BEFORE 7-Feb-1994", message, content));
    CHECK(run("MODSEQ 7", message, content));
    CHECK_FALSE(run("MODSEQ 8", message, content));
    CHECK(content.reads_ == 0);
}

TEST_CASE("search reads decoded headers and body", "[imap][search]") {
    fixed_content content(test::fx_search);
    search_message message;
    message.sequence = 1;
    message.uid = 1;
    CHECK(run("SUBJECT \"Größe\"", message, content));
    CHECK(run("SUBJECT gr=C3", message, content));
    CHECK(run("FROM BOB@example", message, content));
    CHECK(run("CHARSET UTF-8 BODY {7}\r\nStraße", message, content));
    CHECK_FALSE(run("BODY Stra=C3", message, content));
    CHECK(run("TEXT quoted-printable", message, content));
    CHECK(run("TEXT \"Straße\"", message, content));
    CHECK(run("HEADER Content-Type utf-8", message, content));
    CHECK(run("HEADER MIME-Version \"\"", message, content));
    CHECK_FALSE(run("HEADER X-Missing \"\"", message, content));
    CHECK_FALSE(run("TO bob", message, content));
    CHECK(content.reads_ > 0);
}

TEST_CASE("search sent dates use the Date field", "[imap][search]") {
    fixed_content content(test::fx_append);
    search_message message;
    CHECK(run("SENTON 7-Feb-1994", message, content));
    CHECK(run("SENTBEFORE 8-Feb-1994 SENTSINCE 7-Feb-1994", message, content));
    CHECK_FALSE(run("SENTBEFORE 7-Feb-1994", message, content));
}

TEST_CASE("search body decodes base64", "[imap][search]") {
    fixed_content content("Content-Type: text/plain; charset=iso-8859-1\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\nR3L2+GU=\r\n");
    search_message message;
    CHECK(run("BODY \"Gr\xC3\xB6\xC3\xB8"
              "e\"",
              message, content));
}
