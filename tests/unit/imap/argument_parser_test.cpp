#include "src/imap/argument_parser.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::imap;

TEST_CASE("argument parser reads tag, atoms and strings", "[imap][parser]") {
    argument_parser parser("a1 LOGIN \"al\\\"ice\" {6}\r\nse cret");
    CHECK(parser.tag() == "a1");
    CHECK(parser.space());
    CHECK(parser.keyword("login"));
    CHECK(parser.space());
    CHECK(parser.astring() == "al\"ice");
    CHECK(parser.space());
    CHECK(parser.astring() == "se cre");
    CHECK(parser.rest() == "t");
}

TEST_CASE("argument parser accepts non-synchronizing and literal8", "[imap][parser]") {
    argument_parser parser("{3+}\r\nabc ~{2}\r\nxy");
    CHECK(parser.string() == "abc");
    CHECK(parser.space());
    CHECK(parser.literal() == "xy");
    CHECK(parser.at_end());
}

TEST_CASE("argument parser rejects broken strings", "[imap][parser]") {
    CHECK_FALSE(argument_parser("\"open").string());
    CHECK_FALSE(argument_parser("\"bad \\x escape\"").string());
    CHECK_FALSE(argument_parser("{5}\r\nabc").string());
    CHECK_FALSE(argument_parser("{5}abcde").string());
    CHECK_FALSE(argument_parser("{-1}\r\n").string());
    argument_parser untouched("(x");
    CHECK_FALSE(untouched.astring());
    CHECK(untouched.rest() == "(x");
}

TEST_CASE("argument parser keywords stop at atom end", "[imap][parser]") {
    argument_parser parser("BODYSTRUCTURE");
    CHECK_FALSE(parser.keyword("BODY"));
    CHECK(parser.keyword("BODYSTRUCTURE"));
    argument_parser section("BODY.PEEK[]");
    CHECK(section.keyword("BODY"));
    CHECK(section.rest() == ".PEEK[]");
}

TEST_CASE("argument parser numbers stay within width", "[imap][parser]") {
    CHECK(argument_parser("4294967295").number() == 4294967295u);
    CHECK_FALSE(argument_parser("4294967296").number());
    CHECK(argument_parser("18446744073709551615").number(64) == 18446744073709551615u);
    CHECK_FALSE(argument_parser("18446744073709551616").number(64));
    CHECK_FALSE(argument_parser("-1").number());
}

TEST_CASE("argument parser flags", "[imap][parser]") {
    argument_parser parser("\\Seen $Work \\* \\");
    CHECK(parser.flag() == "\\Seen");
    CHECK(parser.space());
    CHECK(parser.flag() == "$Work");
    CHECK(parser.space());
    CHECK_FALSE(parser.flag());
    CHECK(parser.flag(true) == "\\*");
    CHECK(parser.space());
    CHECK_FALSE(parser.flag());
}
