#include "fixtures.hpp"
#include "src/imap/message_render.hpp"
#include "src/mime/summarize.hpp"

#include <catch2/catch.hpp>

using namespace skrynka;
using namespace skrynka::imap;

namespace {

std::string section_bytes(const std::string& message, std::string_view section) {
    const mime::message_summary summary = mime::summarize(message);
    const auto spec = parse_section(section);
    REQUIRE(spec);
    const auto range = resolve_section(summary, *spec);
    REQUIRE(range);
    return message.substr(range->offset, range->length);
}

} // namespace

TEST_CASE("fixtures have their documented sizes", "[imap][render]") {
    CHECK(test::fx_p.size() == 26);
    CHECK(test::fx_append.size() == 153);
    CHECK(test::fx_nested.size() == 459);
    CHECK(test::fx_search.size() == 183);
    CHECK(test::fx_empty_multipart.size() == 103);
}

TEST_CASE("section numbers inside nested message", "[imap][render]") {
    const std::string& m = test::fx_nested;
    CHECK(section_bytes(m, "1") == "see attached");
    CHECK(section_bytes(m, "2.MIME") ==
          "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n");
    CHECK(section_bytes(m, "2.HEADER").size() == 111);
    CHECK(section_bytes(m, "2.1") == "plain");
    CHECK(section_bytes(m, "2.2") == "<p>html</p>");
    CHECK(section_bytes(m, "2.2.MIME") == "Content-Type: text/html\r\n\r\n");
    CHECK(section_bytes(m, "2").size() == 203);
    CHECK(section_bytes(m, "2").rfind("From: bob@example.net", 0) == 0);
    CHECK(section_bytes(m, "2.TEXT").size() == 92);
    CHECK(section_bytes(m, "2.TEXT").rfind("--i", 0) == 0);
    CHECK(section_bytes(m, "") == m);
    CHECK(section_bytes(m, "TEXT").rfind("--o", 0) == 0);
}

TEST_CASE("section of single part message", "[imap][render]") {
    CHECK(section_bytes(test::fx_p, "1") == "0123456789\r\n");
    CHECK(section_bytes(test::fx_p, "HEADER") == "Subject: p\r\n\r\n");
    CHECK(section_bytes(test::fx_p, "TEXT") == "0123456789\r\n");
}

TEST_CASE("section grammar refuses part zero", "[imap][render]") {
    CHECK_FALSE(parse_section("2.0"));
    CHECK_FALSE(parse_section("0"));
    CHECK_FALSE(parse_section("01"));
    CHECK_FALSE(parse_section("MIME"));
    CHECK_FALSE(parse_section("1."));
    CHECK_FALSE(parse_section("HEADER.FIELDS"));
    CHECK_FALSE(parse_section("HEADER.FIELDS ()"));
    CHECK_FALSE(parse_section("BOGUS"));
    const auto fields = parse_section("1.HEADER.FIELDS.NOT (From \"To\")");
    REQUIRE(fields);
    CHECK(fields->label() == "1.HEADER.FIELDS.NOT (From To)");
}

TEST_CASE("section that does not exist resolves to nothing", "[imap][render]") {
    const mime::message_summary summary = mime::summarize(test::fx_nested);
    CHECK_FALSE(resolve_section(summary, *parse_section("3")));
    CHECK_FALSE(resolve_section(summary, *parse_section("1.1")));
    CHECK_FALSE(resolve_section(summary, *parse_section("1.HEADER")));
    CHECK(resolve_section(summary, *parse_section("2.1.MIME")));
}

TEST_CASE("header fields filter keeps listed fields", "[imap][render]") {
    const std::string header = "From: a\r\nSubject: one\r\n two\r\nTo: b\r\n\r\n";
    CHECK(filter_header_fields(header, {"subject"}, false) == "Subject: one\r\n two\r\n\r\n");
    CHECK(filter_header_fields(header, {"SUBJECT"}, true) == "From: a\r\nTo: b\r\n\r\n");
    CHECK(filter_header_fields(header, {"Cc"}, false) == "\r\n");
}

TEST_CASE("bodystructure of nested message", "[imap][render]") {
    const mime::message_summary summary = mime::summarize(test::fx_nested);
    std::string out;
    append_body_structure(out, summary.body_, true);
    CHECK(out ==
          "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 12 1 NIL NIL NIL NIL)"
          "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 203 "
          "(NIL \"inner\" ((NIL NIL \"bob\" \"example.net\")) ((NIL NIL \"bob\" \"example.net\")) "
          "((NIL NIL \"bob\" \"example.net\")) NIL NIL NIL NIL NIL) "
          "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)"
          "(\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 11 1 NIL NIL NIL NIL) "
          "\"ALTERNATIVE\" (\"BOUNDARY\" \"i\") NIL NIL NIL) 14 NIL (\"ATTACHMENT\" NIL) NIL NIL) "
          "\"MIXED\" (\"BOUNDARY\" \"o\") NIL NIL NIL)");
    std::string body;
    append_body_structure(body, summary.body_, false);
    CHECK(body.find("\"MIXED\")") == body.size() - 8);
}

TEST_CASE("bodystructure of empty multipart stays grammatical", "[imap][render]") {
    const mime::message_summary summary = mime::summarize(test::fx_empty_multipart);
    std::string out;
    append_body_structure(out, summary.body_, true);
    CHECK(out.find("()") == std::string::npos);
    CHECK(out.rfind("(\"TEXT\" \"PLAIN\"", 0) == 0);
}

TEST_CASE("envelope of appended message", "[imap][render]") {
    const mime::message_summary summary = mime::summarize(test::fx_append);
    std::string out;
    append_envelope(out, summary.envelope_);
    CHECK(out == "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"append test\" "
                 "((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"alice\" \"example.org\")) "
                 "((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"alice\" \"example.org\")) "
                 "NIL NIL NIL \"<append-1@example.org>\")");
}

TEST_CASE("envelope renders groups and missing host", "[imap][render]") {
    const mime::message_summary summary =
        mime::summarize("From: \"Alice \\\"A\\\" Example\" <alice@example.org>\r\n"
                        "To: friends: a@b.example, c@d.example;, local\r\n\r\n");
    std::string out;
    append_envelope(out, summary.envelope_);
    CHECK(out.find("((\"Alice \\\"A\\\" Example\" NIL \"alice\" \"example.org\"))") !=
          std::string::npos);
    CHECK(out.find("((NIL NIL \"friends\" NIL)(NIL NIL \"a\" \"b.example\")"
                   "(NIL NIL \"c\" \"d.example\")(NIL NIL NIL NIL)"
                   "(NIL NIL \"local\" \"missing-domain.invalid\"))") != std::string::npos);
}
