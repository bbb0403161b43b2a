#include "crypto/sealing.hpp"

#include "crypto/error.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;
using skrynka::crypto::testing::pattern;

TEST_CASE("content key round trips through sealing", "[crypto][sealing]") {
    auto keys = generate_user_key_pair();
    auto content_key = generate_content_key();
    REQUIRE(content_key.size() == content_key_size);

    auto sealed = seal_content_key(content_key, keys.public_key);
    REQUIRE(sealed.size() == sealed_content_key_size);

    auto opened = open_content_key(sealed, keys);
    REQUIRE(opened);
    REQUIRE(opened->equals(content_key.bytes()));

    auto opened_by_parts = open_content_key(sealed, keys.public_key, keys.secret_key);
    REQUIRE(opened_by_parts);
    REQUIRE(opened_by_parts->equals(content_key.bytes()));
}

TEST_CASE("content key rejects another user key", "[crypto][sealing]") {
    auto keys = generate_user_key_pair();
    auto other = generate_user_key_pair();
    auto sealed = seal_content_key(generate_content_key(), keys.public_key);
    REQUIRE_FALSE(open_content_key(sealed, other));
}

TEST_CASE("sealed content key detects flipped bytes", "[crypto][sealing]") {
    auto keys = generate_user_key_pair();
    auto sealed = seal_content_key(generate_content_key(), keys.public_key);
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto tampered = sealed;
        tampered[i] ^= 0x01;
        REQUIRE_FALSE(open_content_key(tampered, keys));
    }
}

TEST_CASE("sealed content key length is checked", "[crypto][sealing]") {
    auto keys = generate_user_key_pair();
    auto sealed = seal_content_key(generate_content_key(), keys.public_key);
    for (std::size_t size : {std::size_t{0}, sealed.size() - 1, sealed.size() + 1}) {
        auto resized = sealed;
        resized.resize(size);
        try {
            open_content_key(resized, keys);
            FAIL("a sealed content key of " << size << " bytes was accepted");
        } catch (const crypto_error& error) {
            REQUIRE(error.code() == errc::invalid_format);
        }
    }
}

TEST_CASE("content key sealing rejects wrong key sizes", "[crypto][sealing]") {
    auto keys = generate_user_key_pair();
    std::array<unsigned char, 31> short_public{};
    REQUIRE_THROWS_AS(seal_content_key(secret_bytes(31), keys.public_key), crypto_error);
    REQUIRE_THROWS_AS(seal_content_key(generate_content_key(), short_public), crypto_error);
}

TEST_CASE("content key sealing rejects low-order key", "[crypto][sealing]") {
    std::array<unsigned char, user_public_key_size> zero_public{};
    try {
        seal_content_key(generate_content_key(), zero_public);
        FAIL("the all-zero public key was accepted");
    } catch (const crypto_error& error) {
        REQUIRE(error.code() == errc::invalid_argument);
    }
}

TEST_CASE("blob round trips", "[crypto][sealing]") {
    auto content_key = generate_content_key();
    for (std::size_t size : {0, 1, 100, 5000}) {
        auto plaintext = pattern(size);
        auto sealed = seal_blob(content_key, "summary", plaintext);
        REQUIRE(sealed.size() == size + sealed_blob_overhead);
        auto opened = open_blob(content_key, "summary", sealed);
        REQUIRE(opened);
        REQUIRE(*opened == plaintext);
    }
}

TEST_CASE("blob rejects another label", "[crypto][sealing]") {
    auto content_key = generate_content_key();
    auto sealed = seal_blob(content_key, "summary", bytes_of("envelope"));
    REQUIRE_FALSE(open_blob(content_key, "summar", sealed));
    REQUIRE_FALSE(open_blob(content_key, "summary2", sealed));
    REQUIRE_FALSE(open_blob(content_key, "", sealed));
}

TEST_CASE("blob rejects another key", "[crypto][sealing]") {
    auto sealed = seal_blob(generate_content_key(), "summary", bytes_of("envelope"));
    REQUIRE_FALSE(open_blob(generate_content_key(), "summary", sealed));
}

TEST_CASE("blob detects every flipped byte", "[crypto][sealing]") {
    auto content_key = generate_content_key();
    auto sealed = seal_blob(content_key, "summary", bytes_of("envelope and structure"));

    auto version_flipped = sealed;
    version_flipped[0] ^= 0x01;
    try {
        open_blob(content_key, "summary", version_flipped);
        FAIL("a blob with another version byte was accepted");
    } catch (const crypto_error& error) {
        REQUIRE(error.code() == errc::unsupported_version);
    }

    for (std::size_t i = 1; i < sealed.size(); ++i) {
        auto tampered = sealed;
        tampered[i] ^= 0x01;
        REQUIRE_FALSE(open_blob(content_key, "summary", tampered));
    }
}

TEST_CASE("blob truncations fail cleanly", "[crypto][sealing]") {
    auto content_key = generate_content_key();
    auto sealed = seal_blob(content_key, "summary", bytes_of("envelope"));
    for (std::size_t size = 0; size < sealed.size(); ++size) {
        std::span<const unsigned char> truncated(sealed.data(), size);
        if (size < sealed_blob_overhead) {
            try {
                open_blob(content_key, "summary", truncated);
                FAIL("a blob truncated to " << size << " bytes was accepted");
            } catch (const crypto_error& error) {
                REQUIRE(error.code() == errc::invalid_format);
            }
        } else {
            REQUIRE_FALSE(open_blob(content_key, "summary", truncated));
        }
    }
}
