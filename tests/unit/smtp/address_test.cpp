#include "src/smtp/address.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::smtp;

TEST_CASE("path accepts common mailboxes", "[smtp][address]") {
    const char* valid[] = {
        "<alice@example.org>",
        "<first.last+tag@mail.example.org>",
        "<\"quoted string\"@example.org>",
        "<\"a\\\"b\"@example.org>",
        "<user@[192.0.2.1]>",
        "<user@[IPv6:2001:db8::1]>",
        "<o'brien@example.org>",
        "<x@a-b.example>",
    };
    for (const char* text : valid) {
        INFO(text);
        const path_result result = parse_path(text, false, false);
        CHECK(result.error == path_error::none);
        CHECK(result.value.address.has_value());
        CHECK(result.rest.empty());
        CHECK_FALSE(result.value.utf8);
    }
}

TEST_CASE("path rejects malformed mailboxes", "[smtp][address]") {
    const char* invalid[] = {
        "alice@example.org",     // no angle brackets
        "<alice@example.org",    // no closing bracket
        "<alice>",               // no domain
        "<@example.org>",        // empty local part
        "<.alice@example.org>",  // leading dot
        "<alice.@example.org>",  // trailing dot
        "<al..ice@example.org>", // empty atom
        "<alice@example..org>",  // empty label
        "<alice@-example.org>",  // label starts with a hyphen
        "<alice@example-.org>",  // label ends with a hyphen
        "<alice@example.org.>",  // trailing dot in the domain
        "<alice@[192.0.2.256]>", // octet out of range
        "<alice@[IPv6:zz::1]>",  // not an IPv6 address
        "<alice@[tag:stuff]>",   // general literal without a registered tag
        "<al ice@example.org>",  // space outside quotes
        "<\"open@example.org>",  // unterminated quoted string
        "<alice@exa\rmple.org>", // control octet
        "<ali\xff"
        "ce@example.org>",            // invalid UTF-8
        "<j\xc3@example.org>",        // truncated UTF-8
        "<\xc0\xafx@example.org>",    // overlong UTF-8
        "<\xed\xa0\x80@example.org>", // UTF-8 surrogate
    };
    for (const char* text : invalid) {
        INFO(text);
        CHECK(parse_path(text, true, true).error == path_error::syntax);
    }
}

TEST_CASE("path null reverse-path only where allowed", "[smtp][address]") {
    const path_result allowed = parse_path("<>", true, false);
    CHECK(allowed.error == path_error::none);
    CHECK_FALSE(allowed.value.address.has_value());
    CHECK(parse_path("<>", false, false).error == path_error::syntax);
}

TEST_CASE("path drops a source route", "[smtp][address]") {
    const path_result result =
        parse_path("<@relay.example,@two.example:alice@example.org>", false, false);
    REQUIRE(result.error == path_error::none);
    CHECK(result.value.address->text() == "alice@example.org");
}

TEST_CASE("path accepts Postmaster without domain for RCPT", "[smtp][address]") {
    const path_result result = parse_path("<POSTMASTER>", false, true);
    REQUIRE(result.error == path_error::none);
    CHECK(result.value.address->text() == "POSTMASTER");
    CHECK(parse_path("<postmaster>", true, false).error == path_error::syntax);
}

TEST_CASE("path marks UTF-8 addresses", "[smtp][address]") {
    const path_result local = parse_path("<j\xc3\xb6rg@example.net>", false, false);
    REQUIRE(local.error == path_error::none);
    CHECK(local.value.utf8);
    const path_result domain = parse_path("<user@b\xc3\xbc"
                                          "cher.example>",
                                          false, false);
    REQUIRE(domain.error == path_error::none);
    CHECK(domain.value.utf8);
}

TEST_CASE("path enforces the length limits", "[smtp][address]") {
    const std::string local64(64, 'a');
    CHECK(parse_path("<" + local64 + "@example.org>", false, false).error == path_error::none);
    CHECK(parse_path("<" + local64 + "a@example.org>", false, false).error == path_error::too_long);

    std::string domain;
    for (int i = 0; i < 5; ++i) {
        domain += std::string(60, 'd') + ".";
    }
    domain += "org"; // 308 octets
    CHECK(parse_path("<a@" + domain + ">", false, false).error == path_error::too_long);
    CHECK(parse_path("<a@" + std::string(64, 'x') + ".org>", false, false).error ==
          path_error::syntax);
}

TEST_CASE("path returns the text after the bracket", "[smtp][address]") {
    const path_result result = parse_path("<a@b.c> SIZE=10", false, false);
    CHECK(result.error == path_error::none);
    CHECK(result.rest == " SIZE=10");
}

TEST_CASE("helo argument takes domains and literals", "[smtp][address]") {
    CHECK(is_valid_helo_argument("client.example.net"));
    CHECK(is_valid_helo_argument("localhost"));
    CHECK(is_valid_helo_argument("[127.0.0.1]"));
    CHECK(is_valid_helo_argument("[IPv6:::1]"));
    CHECK_FALSE(is_valid_helo_argument(""));
    CHECK_FALSE(is_valid_helo_argument("two words"));
    CHECK_FALSE(is_valid_helo_argument("bad_name.example"));
    CHECK_FALSE(is_valid_helo_argument("a\rb"));
}
