#include "crypto/fingerprint_set.hpp"

#include "crypto/error.hpp"
#include "crypto/secret.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace skrynka::crypto;
using namespace skrynka::crypto::testing;

namespace {

std::vector<needle_match> matches_in(const fingerprint_set& set,
                                     const std::vector<unsigned char>& haystack) {
    std::vector<needle_match> found;
    set.find_all(haystack, [&](const needle_match& match) { found.push_back(match); });
    return found;
}

std::vector<unsigned char> random_bytes(std::size_t size) {
    std::vector<unsigned char> bytes(size);
    const secret_bytes source = secret_bytes::random(size);
    std::copy(source.bytes().begin(), source.bytes().end(), bytes.begin());
    return bytes;
}

} // namespace

TEST_CASE("fingerprint set finds an embedded needle", "[crypto][fingerprint]") {
    initialize();
    const auto needle = random_bytes(1000);
    fingerprints set = new_fingerprints();
    add_needle(set, needle, 64);

    std::vector<unsigned char> haystack = random_bytes(300);
    haystack.insert(haystack.end(), needle.begin(), needle.end());
    const auto found = matches_in(fingerprint_set(set), haystack);

    REQUIRE_FALSE(found.empty());
    for (const needle_match& match : found) {
        CHECK(match.needle == 0);
        CHECK(match.offset == 300 + match.needle_offset);
        CHECK(match.length == fingerprint_piece_size);
    }
}

TEST_CASE("fingerprint set finds every long run", "[crypto][fingerprint]") {
    initialize();
    const std::size_t stride = 100;
    const auto needle = random_bytes(777);
    fingerprints set = new_fingerprints();
    add_needle(set, needle, stride);
    const fingerprint_set matcher(set);

    const std::size_t run = stride + fingerprint_piece_size - 1;
    for (std::size_t start = 0; start + run <= needle.size(); ++start) {
        std::vector<unsigned char> haystack(needle.begin() + static_cast<std::ptrdiff_t>(start),
                                            needle.begin() + static_cast<std::ptrdiff_t>(start + run));
        INFO("run starts at " << start);
        CHECK_FALSE(matches_in(matcher, haystack).empty());
    }
}

TEST_CASE("fingerprint set ignores unrelated bytes", "[crypto][fingerprint]") {
    initialize();
    fingerprints set = new_fingerprints();
    add_needle(set, random_bytes(80), 16);
    add_needle(set, random_bytes(5000), 256);
    CHECK(matches_in(fingerprint_set(set), random_bytes(100000)).empty());
}

TEST_CASE("fingerprint set matches a needle shorter than a piece", "[crypto][fingerprint]") {
    initialize();
    const auto needle = random_bytes(20);
    fingerprints set = new_fingerprints();
    add_needle(set, needle, 16);
    REQUIRE(set.needles[0].pieces.size() == 1);

    std::vector<unsigned char> haystack = random_bytes(7);
    haystack.insert(haystack.end(), needle.begin(), needle.end());
    const auto found = matches_in(fingerprint_set(set), haystack);
    REQUIRE(found.size() == 1);
    CHECK(found[0].offset == 7);
    CHECK(found[0].length == 20);
}

TEST_CASE("fingerprint needle below minimum size is rejected", "[crypto][fingerprint]") {
    initialize();
    fingerprints set = new_fingerprints();
    CHECK_THROWS_AS(add_needle(set, random_bytes(15), 16), crypto_error);
    CHECK_THROWS_AS(add_needle(set, random_bytes(40), 0), crypto_error);
}

TEST_CASE("fingerprint encoding round-trips", "[crypto][fingerprint]") {
    initialize();
    fingerprints set = new_fingerprints();
    add_needle(set, random_bytes(80), 16);
    add_needle(set, random_bytes(3000), 256);
    const auto encoded = encode_fingerprints(set);
    const auto decoded = decode_fingerprints(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == set);
}

TEST_CASE("fingerprint decoding rejects every truncation", "[crypto][fingerprint]") {
    initialize();
    fingerprints set = new_fingerprints();
    add_needle(set, random_bytes(100), 32);
    const auto encoded = encode_fingerprints(set);
    for (std::size_t length = 0; length < encoded.size(); ++length) {
        INFO("length " << length);
        CHECK_FALSE(decode_fingerprints(std::span(encoded).first(length)));
    }
    auto longer = encoded;
    longer.push_back(0);
    CHECK_FALSE(decode_fingerprints(longer));
}

TEST_CASE("fingerprint decoding rejects a piece outside its needle", "[crypto][fingerprint]") {
    initialize();
    fingerprints set = new_fingerprints();
    add_needle(set, random_bytes(64), 32);
    set.needles[0].pieces[0].offset = 33;
    CHECK_FALSE(decode_fingerprints(encode_fingerprints(set)));
}
