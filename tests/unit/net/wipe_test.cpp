#include "src/net/wipe.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

using skrynka::net::append_wiping;
using skrynka::net::wipe_string;

TEST_CASE("wipe_string zeroes the octets in place and empties the string", "[net][wipe]") {
    std::string text = "a LOGIN line long enough to live on the heap: hunter2 hunter2";
    const char* storage = text.data();
    const std::size_t size = text.size();

    wipe_string(text);

    CHECK(text.empty());
    REQUIRE(text.data() == storage);
    CHECK(std::all_of(storage, storage + size, [](char octet) { return octet == '\0'; }));
}

TEST_CASE("append_wiping keeps the text when the string has to grow", "[net][wipe]") {
    std::string text;
    std::string expected;
    for (int piece = 0; piece < 200; ++piece) {
        const std::string part = "piece" + std::to_string(piece) + ";";
        append_wiping(text, part);
        expected += part;
    }
    CHECK(text == expected);
}
