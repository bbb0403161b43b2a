#include "crypto/user_keys.hpp"

#include "crypto/encoding.hpp"
#include "crypto/error.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::crypto;

TEST_CASE("user key pair matches itself", "[crypto][user_keys]") {
    auto keys = generate_user_key_pair();
    REQUIRE(keys.secret_key.size() == user_secret_key_size);
    REQUIRE(user_keys_match(keys.public_key, keys.secret_key));
    REQUIRE(derive_user_public_key(keys.secret_key) == keys.public_key);
}

TEST_CASE("user key pairs differ", "[crypto][user_keys]") {
    auto first = generate_user_key_pair();
    auto second = generate_user_key_pair();
    REQUIRE(first.public_key != second.public_key);
    REQUIRE_FALSE(user_keys_match(first.public_key, second.secret_key));
}

// RFC 7748 section 6.1, Alice's key pair.
TEST_CASE("user public key matches RFC 7748 vector", "[crypto][user_keys]") {
    auto secret =
        hex_decode_secret("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    REQUIRE(secret);
    REQUIRE(hex_encode(derive_user_public_key(*secret)) ==
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
}

TEST_CASE("user key match rejects wrong sizes", "[crypto][user_keys]") {
    auto keys = generate_user_key_pair();
    std::array<unsigned char, 31> short_public{};
    REQUIRE_FALSE(user_keys_match(short_public, keys.secret_key));
    REQUIRE_FALSE(user_keys_match(keys.public_key, secret_bytes(31)));
    REQUIRE_FALSE(user_keys_match(keys.public_key, secret_bytes{}));
}

TEST_CASE("user public key derivation rejects wrong size", "[crypto][user_keys]") {
    try {
        derive_user_public_key(secret_bytes(33));
        FAIL("a 33-byte secret key was accepted");
    } catch (const crypto_error& error) {
        REQUIRE(error.code() == errc::invalid_argument);
    }
}
