#include "crypto/hash.hpp"

#include "crypto/encoding.hpp"
#include "crypto/error.hpp"
#include "crypto/secret.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;
using skrynka::crypto::testing::pattern;

// Expected digests computed with Python's hashlib.blake2b(digest_size=32).
TEST_CASE("hash matches BLAKE2b-256 vectors", "[crypto][hash]") {
    REQUIRE(hex_encode(hash(std::string_view(""))) ==
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    REQUIRE(hex_encode(hash(std::string_view("abc"))) ==
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    REQUIRE(hash_hex(bytes_of("abc")) ==
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_CASE("keyed hash matches BLAKE2b-256 vector", "[crypto][hash]") {
    std::vector<unsigned char> key(32);
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<unsigned char>(i);
    }
    REQUIRE(hex_encode(keyed_hash(key, bytes_of("abc"))) ==
            "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f");
}

TEST_CASE("keyed hash depends on the key", "[crypto][hash]") {
    auto first = secret_bytes::random(32);
    auto second = secret_bytes::random(32);
    auto data = bytes_of("correct horse");
    REQUIRE(keyed_hash(first.bytes(), data) == keyed_hash(first.bytes(), data));
    REQUIRE(keyed_hash(first.bytes(), data) != keyed_hash(second.bytes(), data));
    REQUIRE(keyed_hash(first.bytes(), data) != hash(data));
}

TEST_CASE("keyed hash rejects bad key sizes", "[crypto][hash]") {
    auto data = bytes_of("abc");
    for (std::size_t size : {0, 15, 65}) {
        auto key = pattern(size);
        try {
            keyed_hash(key, data);
            FAIL("keyed_hash accepted a key of " << size << " bytes");
        } catch (const crypto_error& error) {
            REQUIRE(error.code() == errc::invalid_argument);
        }
    }
}

TEST_CASE("hash into checks output size", "[crypto][hash]") {
    std::vector<unsigned char> small(15);
    std::vector<unsigned char> large(65);
    std::vector<unsigned char> maximum(64);
    REQUIRE_THROWS_AS(hash_into(small, bytes_of("abc")), crypto_error);
    REQUIRE_THROWS_AS(hash_into(large, bytes_of("abc")), crypto_error);
    REQUIRE_NOTHROW(hash_into(maximum, bytes_of("abc")));
}
