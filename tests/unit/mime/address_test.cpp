// Address lists for ENVELOPE: groups, quoting, comments, routes and broken input.
#include "src/mime/address.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::mime;

namespace {

address mailbox(std::string name, std::string local, std::string host) {
    address result;
    result.name_ = name;
    result.mailbox_ = std::move(local);
    result.host_ = std::move(host);
    return result;
}

} // namespace

TEST_CASE("plain addresses parse", "[mime][address]") {
    const address_list list = parse_address_list("a@example.org, B <b@example.net>", 100);

    REQUIRE(list.addresses_.size() == 2);
    CHECK(list.addresses_[0].mailbox_ == "a");
    CHECK(list.addresses_[0].host_ == "example.org");
    CHECK(list.addresses_[0].name_.empty());
    CHECK(list.addresses_[1].name_ == "B");
    CHECK(list.addresses_[1].mailbox_ == "b");
    CHECK(list.addresses_[1].host_ == "example.net");
    CHECK_FALSE(list.truncated_);
}

TEST_CASE("quoted display name is unescaped", "[mime][address]") {
    const address_list list =
        parse_address_list("\"Doe, John \\\"JD\\\"\" <john@example.org>", 100);

    REQUIRE(list.addresses_.size() == 1);
    CHECK(list.addresses_[0].name_ == "Doe, John \"JD\"");
    CHECK(list.addresses_[0].decoded_name_ == "Doe, John \"JD\"");
}

TEST_CASE("group becomes start and end markers", "[mime][address]") {
    const address_list list =
        parse_address_list("Team: a@x.org, \"B\" <b@y.org>;, c@z.org, Empty: ;", 100);

    REQUIRE(list.addresses_.size() == 7);
    CHECK(list.addresses_[0].kind_ == address_kind::group_start);
    CHECK(list.addresses_[0].mailbox_ == "Team");
    CHECK(list.addresses_[1].mailbox_ == "a");
    CHECK(list.addresses_[2].name_ == "B");
    CHECK(list.addresses_[3].kind_ == address_kind::group_end);
    CHECK(list.addresses_[4].mailbox_ == "c");
    CHECK(list.addresses_[5].kind_ == address_kind::group_start);
    CHECK(list.addresses_[5].mailbox_ == "Empty");
    CHECK(list.addresses_[6].kind_ == address_kind::group_end);
}

TEST_CASE("unclosed group is closed at the end", "[mime][address]") {
    const address_list list = parse_address_list("undisclosed-recipients:", 100);

    REQUIRE(list.addresses_.size() == 2);
    CHECK(list.addresses_[0].kind_ == address_kind::group_start);
    CHECK(list.addresses_[0].mailbox_ == "undisclosed-recipients");
    CHECK(list.addresses_[1].kind_ == address_kind::group_end);
}

TEST_CASE("comments are dropped or become the name", "[mime][address]") {
    const address_list list = parse_address_list(
        "john (comment) @ (more) example.org (John Smith), Ann (x) <ann@example.org>", 100);

    REQUIRE(list.addresses_.size() == 2);
    CHECK(list.addresses_[0] == [] {
        address expected = mailbox("John Smith", "john", "example.org");
        expected.decoded_name_ = "John Smith";
        return expected;
    }());
    CHECK(list.addresses_[1].name_ == "Ann");
    CHECK(list.addresses_[1].mailbox_ == "ann");
}

TEST_CASE("nested comment with escapes is skipped", "[mime][address]") {
    const address_list list = parse_address_list("a@b (x (y \\) z) w), c@d", 100);

    REQUIRE(list.addresses_.size() == 2);
    CHECK(list.addresses_[1].mailbox_ == "c");
}

TEST_CASE("encoded word in display name is decoded", "[mime][address]") {
    const address_list list =
        parse_address_list("=?UTF-8?B?0J/RgNC40LLQtdGC?= =?UTF-8?Q?_J=C3=BCrgen?= <j@x.org>", 100);

    REQUIRE(list.addresses_.size() == 1);
    CHECK(list.addresses_[0].name_ == "=?UTF-8?B?0J/RgNC40LLQtdGC?= =?UTF-8?Q?_J=C3=BCrgen?=");
    CHECK(list.addresses_[0].decoded_name_ ==
          "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 J\xC3\xBCrgen");
}

TEST_CASE("source route is kept apart", "[mime][address]") {
    const address_list list = parse_address_list("<@relay1.org,@relay2.org:user@host.org>", 100);

    REQUIRE(list.addresses_.size() == 1);
    CHECK(list.addresses_[0].route_ == "@relay1.org,@relay2.org");
    CHECK(list.addresses_[0].mailbox_ == "user");
    CHECK(list.addresses_[0].host_ == "host.org");
}

TEST_CASE("quoted local part and domain literal", "[mime][address]") {
    const address_list list = parse_address_list("\"john doe\"@[192.0.2.1]", 100);

    REQUIRE(list.addresses_.size() == 1);
    CHECK(list.addresses_[0].mailbox_ == "\"john doe\"");
    CHECK(list.addresses_[0].host_ == "[192.0.2.1]");
}

TEST_CASE("address without domain has empty host", "[mime][address]") {
    const address_list list = parse_address_list("root, <postmaster>", 100);

    REQUIRE(list.addresses_.size() == 2);
    CHECK(list.addresses_[0].mailbox_ == "root");
    CHECK(list.addresses_[0].host_.empty());
    CHECK(list.addresses_[1].mailbox_ == "postmaster");
}

TEST_CASE("obsolete phrase with dots keeps them", "[mime][address]") {
    const address_list list = parse_address_list("John Q. Public <jqp@example.org>", 100);

    REQUIRE(list.addresses_.size() == 1);
    CHECK(list.addresses_[0].name_ == "John Q. Public");
}

TEST_CASE("broken lists do not lose later addresses", "[mime][address]") {
    const char* inputs[] = {"<a@b",          "\"unterminated <x@y>, c@d", ",,, ;;; <<>> @@",
                            "a@b>junk, c@d", "(unterminated comment",     "\x01\x02\x7F@x",
                            "::: a@b"};
    for (const char* input : inputs) {
        INFO(input);
        const address_list list = parse_address_list(input, 100);
        CHECK(list.addresses_.size() <= 100);
    }
    const address_list recovered = parse_address_list("a@b>junk, c@d", 100);
    REQUIRE(recovered.addresses_.size() == 2);
    CHECK(recovered.addresses_[1].mailbox_ == "c");
}

TEST_CASE("address limit truncates the list", "[mime][address]") {
    std::string value;
    for (int i = 0; i < 50; ++i) {
        value += "a";
        value += std::to_string(i);
        value += "@example.org, ";
    }
    const address_list list = parse_address_list(value, 10);

    CHECK(list.addresses_.size() == 10);
    CHECK(list.truncated_);
}
