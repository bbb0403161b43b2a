#include "crypto/byte_search.hpp"

#include "crypto/error.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <vector>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;
using skrynka::crypto::testing::pattern;

namespace {

std::vector<needle_match> find_matches(const needle_set& needles, const std::vector<unsigned char>& haystack) {
    std::vector<needle_match> matches;
    needles.find_all(haystack, [&](const needle_match& match) { matches.push_back(match); });
    return matches;
}

// Random-looking bytes that differ from pattern(), so a long needle has distinct pieces.
std::vector<unsigned char> noise(std::size_t size, unsigned seed) {
    std::vector<unsigned char> bytes(size);
    std::uint32_t state = seed * 2654435761u + 1;
    for (auto& byte : bytes) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<unsigned char>(state >> 24);
    }
    return bytes;
}

} // namespace

TEST_CASE("needle set finds a short needle at every occurrence", "[byte_search]") {
    needle_set needles({bytes_of("aaa"), bytes_of("marker")});
    auto matches = find_matches(needles, bytes_of("aaaa marker xx marker"));

    std::set<std::pair<std::size_t, std::size_t>> found;
    for (const auto& match : matches) {
        found.insert({match.needle, match.offset});
        CHECK(match.needle_offset == 0);
    }
    CHECK(found == std::set<std::pair<std::size_t, std::size_t>>{{0, 0}, {0, 1}, {1, 5}, {1, 15}});
}

TEST_CASE("needle set finds nothing in unrelated bytes", "[byte_search]") {
    needle_set needles({bytes_of("marker"), noise(500, 1)});
    CHECK(find_matches(needles, noise(20000, 2)).empty());
    CHECK(find_matches(needles, {}).empty());
}

TEST_CASE("needle set finds any long run of a long needle", "[byte_search]") {
    const std::size_t piece = default_piece_size;
    auto needle = noise(1000, 3); // not a multiple of the piece size
    needle_set needles({needle});
    REQUIRE(needles.max_match_length() == piece);

    // Every run of 2 * piece - 1 bytes, at every start, embedded in unrelated bytes.
    for (std::size_t start = 0; start + 2 * piece - 1 <= needle.size(); ++start) {
        auto haystack = noise(100, 4);
        haystack.insert(haystack.end(), needle.begin() + static_cast<std::ptrdiff_t>(start),
                        needle.begin() + static_cast<std::ptrdiff_t>(start + 2 * piece - 1));
        auto tail = noise(100, 5);
        haystack.insert(haystack.end(), tail.begin(), tail.end());

        INFO("run start: " << start);
        auto matches = find_matches(needles, haystack);
        REQUIRE_FALSE(matches.empty());
        for (const auto& match : matches) {
            CHECK(match.length == piece);
            CHECK(match.needle_offset >= start);
            CHECK(match.needle_offset + piece <= start + 2 * piece - 1);
            CHECK(match.offset == 100 + (match.needle_offset - start));
        }
    }
}

TEST_CASE("needle set finds the last piece of a long needle", "[byte_search]") {
    auto needle = noise(100, 6);
    needle_set needles({needle});
    std::vector<unsigned char> tail(needle.end() - 32, needle.end());

    auto matches = find_matches(needles, tail);
    REQUIRE(matches.size() == 1);
    CHECK(matches[0].needle_offset == 100 - 32);
    CHECK(matches[0].offset == 0);
}

TEST_CASE("needle set misses a run shorter than a piece", "[byte_search]") {
    auto needle = noise(200, 7);
    needle_set needles({needle});
    std::vector<unsigned char> short_run(needle.begin() + 10, needle.begin() + 10 + 31);
    CHECK(find_matches(needles, short_run).empty());
}

TEST_CASE("needle set finds a whole long needle in every piece", "[byte_search]") {
    auto needle = noise(4 * 32, 8);
    needle_set needles({needle});
    auto matches = find_matches(needles, needle);

    std::set<std::size_t> pieces;
    for (const auto& match : matches) {
        pieces.insert(match.needle_offset);
        CHECK(match.offset == match.needle_offset);
    }
    CHECK(pieces == std::set<std::size_t>{0, 32, 64, 96});
}

TEST_CASE("needle set rejects an empty needle", "[byte_search]") {
    CHECK_THROWS_AS(needle_set({bytes_of("x"), {}}), crypto_error);
}

TEST_CASE("needle set rejects a small piece size", "[byte_search]") {
    CHECK_THROWS_AS(needle_set({bytes_of("x")}, min_piece_size - 1), crypto_error);
    CHECK_NOTHROW(needle_set({bytes_of("x")}, min_piece_size));
}
