#include "crypto/signing.hpp"

#include "crypto/encoding.hpp"
#include "crypto/error.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;

TEST_CASE("signature verifies under its key", "[crypto][signing]") {
    auto keys = generate_signing_key_pair();
    auto message = bytes_of("checkpoint 42");
    auto signed_message = sign(keys.secret_key, message);
    REQUIRE(verify(keys.public_key, message, signed_message));
}

TEST_CASE("signature fails under another key", "[crypto][signing]") {
    auto keys = generate_signing_key_pair();
    auto other = generate_signing_key_pair();
    auto message = bytes_of("checkpoint 42");
    REQUIRE_FALSE(verify(other.public_key, message, sign(keys.secret_key, message)));
}

TEST_CASE("signature detects every flipped bit", "[crypto][signing]") {
    auto keys = generate_signing_key_pair();
    auto message = bytes_of("receipt: uid 7 deleted");
    auto original = sign(keys.secret_key, message);

    for (std::size_t i = 0; i < original.size(); ++i) {
        auto tampered = original;
        tampered[i] ^= 0x01;
        REQUIRE_FALSE(verify(keys.public_key, message, tampered));
    }
    for (std::size_t i = 0; i < message.size(); ++i) {
        auto tampered = message;
        tampered[i] ^= 0x01;
        REQUIRE_FALSE(verify(keys.public_key, tampered, original));
    }
}

TEST_CASE("signature verify rejects wrong sizes", "[crypto][signing]") {
    auto keys = generate_signing_key_pair();
    auto message = bytes_of("m");
    auto signed_message = sign(keys.secret_key, message);
    std::span<const unsigned char> whole(signed_message);
    REQUIRE_FALSE(verify(keys.public_key, message, whole.first(63)));
    REQUIRE_FALSE(verify(std::span<const unsigned char>(keys.public_key).first(31), message,
                         signed_message));
}

TEST_CASE("signing key pair rebuilds from seed", "[crypto][signing]") {
    auto keys = generate_signing_key_pair();
    auto seed = signing_seed(keys.secret_key);
    REQUIRE(seed.size() == signing_seed_size);

    auto rebuilt = signing_key_pair_from_seed(seed);
    REQUIRE(rebuilt.public_key == keys.public_key);
    REQUIRE(rebuilt.secret_key.equals(keys.secret_key.bytes()));

    auto message = bytes_of("audit checkpoint");
    REQUIRE(verify(keys.public_key, message, sign(rebuilt.secret_key, message)));
}

// RFC 8032 section 7.1, TEST 1 (empty message).
TEST_CASE("signature matches RFC 8032 vector", "[crypto][signing]") {
    auto seed =
        hex_decode_secret("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    REQUIRE(seed);
    auto keys = signing_key_pair_from_seed(*seed);
    REQUIRE(hex_encode(keys.public_key) ==
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    REQUIRE(hex_encode(sign(keys.secret_key, {})) ==
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
            "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST_CASE("signing rejects keys of wrong size", "[crypto][signing]") {
    auto message = bytes_of("m");
    REQUIRE_THROWS_AS(sign(secret_bytes(32), message), crypto_error);
    REQUIRE_THROWS_AS(signing_key_pair_from_seed(secret_bytes(31)), crypto_error);
    REQUIRE_THROWS_AS(signing_seed(secret_bytes(32)), crypto_error);
}
