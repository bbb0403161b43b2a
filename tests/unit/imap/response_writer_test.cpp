#include "src/imap/response_writer.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::imap;

TEST_CASE("string is quoted or sent as literal", "[imap][response]") {
    std::string out;
    append_string(out, "plain");
    CHECK(out == "\"plain\"");
    out.clear();
    append_string(out, "say \"hi\" \\ now");
    CHECK(out == "\"say \\\"hi\\\" \\\\ now\"");
    out.clear();
    append_string(out, "two\r\nlines");
    CHECK(out == "{10}\r\ntwo\r\nlines");
    out.clear();
    append_string(out, "Gesch\xC3\xA4"
                       "ft");
    CHECK(out == "{9}\r\nGesch\xC3\xA4"
                 "ft");
    out.clear();
    append_string(out, std::string_view("A\0B", 3));
    CHECK(out == std::string("{3}\r\nA\0B", 8));
    out.clear();
    append_string(out, "");
    CHECK(out == "\"\"");
}

TEST_CASE("nstring and astring forms", "[imap][response]") {
    std::string out;
    append_nstring(out, std::nullopt);
    CHECK(out == "NIL");
    out.clear();
    append_astring(out, "INBOX");
    CHECK(out == "INBOX");
    out.clear();
    append_astring(out, "Tom &- Jerry");
    CHECK(out == "\"Tom &- Jerry\"");
    out.clear();
    append_astring(out, "nil");
    CHECK(out == "\"nil\"");
    out.clear();
    append_astring(out, "");
    CHECK(out == "\"\"");
}

TEST_CASE("flag list names system flags first", "[imap][response]") {
    using namespace skrynka::storage;
    CHECK(format_flag_list(0, {}) == "()");
    CHECK(format_flag_list(flag::seen | flag::deleted, {"$Work"}) == "(\\Seen \\Deleted $Work)");
    CHECK(format_flag_list(flag::draft, {}, true) == "(\\Draft \\Recent)");
}

TEST_CASE("date-time parses zones and padded days", "[imap][response]") {
    const auto instant = parse_date_time("07-Feb-1994 12:33:30 -0800");
    REQUIRE(instant);
    CHECK(format_date_time(*instant) == " 7-Feb-1994 20:33:30 +0000");
    CHECK(parse_date_time(" 7-Feb-1994 00:05:00 +0530") ==
          *parse_date_time("6-Feb-1994 18:35:00 +0000"));
    CHECK(format_date_time(0) == " 1-Jan-1970 00:00:00 +0000");
    CHECK(format_date_time(951782400) == "29-Feb-2000 00:00:00 +0000");
}

TEST_CASE("date-time uses a 24-hour clock", "[imap][response]") {
    for (int hour = 0; hour < 24; ++hour) {
        const std::string text = "10-Mar-2024 " + std::string(hour < 10 ? "0" : "") +
                                 std::to_string(hour) + ":15:00 +0000";
        const auto instant = parse_date_time(text);
        REQUIRE(instant);
        CHECK(format_date_time(*instant) == text);
    }
}

TEST_CASE("date-time rejects impossible values", "[imap][response]") {
    for (const char* text :
         {"31-Feb-1994 12:00:00 +0000", "01-Feb-1994 25:00:00 +0000", "01-Feb-1994 12:61:00 +0000",
          "01-Feb-1994 12:00:00 +9999", "01-Foo-1994 12:00:00 +0000", "01-Feb-1994 12:00:00",
          "29-Feb-1900 00:00:00 +0000", "01-Feb-94 12:00:00 +0000", ""}) {
        INFO(text);
        CHECK_FALSE(parse_date_time(text));
    }
    CHECK(parse_date_time("29-Feb-2000 00:00:00 +0000"));
}

TEST_CASE("search and header dates", "[imap][response]") {
    CHECK(parse_date("1-Feb-1994") == days_from_civil(1994, 2, 1));
    CHECK(parse_date("01-feb-1994") == days_from_civil(1994, 2, 1));
    CHECK_FALSE(parse_date("1-Feb-1994 "));
    CHECK(parse_header_date("Mon, 7 Feb 1994 21:52:25 -0800") == days_from_civil(1994, 2, 7));
    CHECK(parse_header_date("7 Feb 94 21:52 GMT") == days_from_civil(1994, 2, 7));
    CHECK_FALSE(parse_header_date("yesterday"));
}
