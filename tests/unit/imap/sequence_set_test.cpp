#include "src/imap/sequence_set.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::imap;

TEST_CASE("sequence set parses ranges and star", "[imap][sequence_set]") {
    const auto set = sequence_set::parse("1,3:5,7:*");
    REQUIRE(set);
    CHECK(set->contains(1, 10));
    CHECK_FALSE(set->contains(2, 10));
    CHECK(set->contains(4, 10));
    CHECK_FALSE(set->contains(6, 10));
    CHECK(set->contains(10, 10));
    CHECK_FALSE(set->contains(11, 10));
}

TEST_CASE("sequence set range is taken low to high", "[imap][sequence_set]") {
    const auto set = sequence_set::parse("5:2");
    REQUIRE(set);
    CHECK(set->contains(3, 9));
    // "559:*" contains the largest UID even when it is below 559.
    const auto star = sequence_set::parse("559:*");
    REQUIRE(star);
    CHECK(star->contains(100, 100));
    CHECK_FALSE(star->contains(99, 100));
}

TEST_CASE("sequence set rejects malformed text", "[imap][sequence_set]") {
    for (const char* text :
         {"", "0", "1,", ",1", "1:", ":1", "1::2", "a", "01", "4294967296", "1 2", "*:", "1,,2"}) {
        INFO(text);
        CHECK_FALSE(sequence_set::parse(text));
    }
    CHECK(sequence_set::parse("4294967295"));
}
