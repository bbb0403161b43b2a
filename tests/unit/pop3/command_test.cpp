// POP3 command line parsing: keywords, arguments and their limits, numbers.
#include "src/pop3/command.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::pop3;

TEST_CASE("command keywords ignore case") {
    for (const char* line : {"STAT", "stat", "Stat", "sTaT"}) {
        const command parsed = parse_command(line);
        CHECK(parsed.error == command_error::none);
        CHECK(parsed.name == verb::stat);
        CHECK(parsed.arguments.empty());
    }
    CHECK(parse_command("top 1 10").name == verb::top);
    CHECK(parse_command("Uidl").name == verb::uidl);
}

TEST_CASE("command arguments split at spaces") {
    const command parsed = parse_command("TOP 12 3");
    REQUIRE(parsed.arguments.size() == 2);
    CHECK(parsed.arguments[0] == "12");
    CHECK(parsed.arguments[1] == "3");

    const command spaced = parse_command("  LIST   4  ");
    CHECK(spaced.name == verb::list);
    REQUIRE(spaced.arguments.size() == 1);
    CHECK(spaced.arguments[0] == "4");
}

TEST_CASE("command PASS keeps spaces in the password") {
    const command parsed = parse_command("PASS  two words ");
    REQUIRE(parsed.arguments.size() == 1);
    CHECK(parsed.arguments[0] == " two words ");
    CHECK(parse_command("PASS").arguments.empty());
    CHECK(parse_command("PASS ").arguments.empty());
}

TEST_CASE("command unknown and empty lines") {
    CHECK(parse_command("").error == command_error::empty);
    CHECK(parse_command("   ").error == command_error::empty);
    CHECK(parse_command("XTND XMIT").error == command_error::unknown_command);
    CHECK(parse_command("STATS").error == command_error::unknown_command);
    CHECK(parse_command("ST").error == command_error::unknown_command);
    CHECK(parse_command(std::string("STAT\0", 5)).error == command_error::unknown_command);
}

TEST_CASE("command argument limit is 255 octets") {
    const std::string at_limit(255, 'a');
    const command accepted = parse_command("USER " + at_limit);
    CHECK(accepted.error == command_error::none);
    REQUIRE(accepted.arguments.size() == 1);
    CHECK(accepted.arguments[0].size() == 255);

    CHECK(parse_command("USER " + at_limit + "a").error == command_error::argument_too_long);
    CHECK(parse_command("PASS " + at_limit + "a").error == command_error::argument_too_long);
    CHECK(parse_command("AUTH " + at_limit + "a").error == command_error::argument_too_long);
}

TEST_CASE("command AUTH initial response may exceed 255 octets") {
    const std::string response(700, 'Q');
    const command parsed = parse_command("AUTH PLAIN " + response);
    CHECK(parsed.error == command_error::none);
    REQUIRE(parsed.arguments.size() == 2);
    CHECK(parsed.arguments[1].size() == 700);
}

TEST_CASE("number accepts plain decimal only") {
    CHECK(parse_number("0") == 0u);
    CHECK(parse_number("1") == 1u);
    CHECK(parse_number("007") == 7u);
    CHECK(parse_number("4294967295") == 4294967295u);
    CHECK_FALSE(parse_number("4294967296"));
    CHECK_FALSE(parse_number("99999999999"));
    CHECK_FALSE(parse_number(""));
    CHECK_FALSE(parse_number("+1"));
    CHECK_FALSE(parse_number("-1"));
    CHECK_FALSE(parse_number("1a"));
    CHECK_FALSE(parse_number(" 1"));
    CHECK_FALSE(parse_number("0x10"));
}
