#include "crypto/encoding.hpp"

#include "test_bytes.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;
using skrynka::crypto::testing::pattern;

TEST_CASE("hex encoding is lowercase", "[crypto][encoding]") {
    std::vector<unsigned char> bytes{0x00, 0xab, 0xff, 0x10};
    REQUIRE(hex_encode(bytes) == "00abff10");
    REQUIRE(hex_encode({}) == "");
}

TEST_CASE("hex round trips every length", "[crypto][encoding]") {
    for (std::size_t size = 0; size < 70; ++size) {
        auto bytes = pattern(size);
        auto decoded = hex_decode(hex_encode(bytes));
        REQUIRE(decoded);
        REQUIRE(*decoded == bytes);
    }
}

TEST_CASE("hex decoding accepts upper case", "[crypto][encoding]") {
    auto decoded = hex_decode("ABff");
    REQUIRE(decoded);
    REQUIRE(*decoded == std::vector<unsigned char>{0xab, 0xff});
}

TEST_CASE("hex decoding rejects bad input", "[crypto][encoding]") {
    REQUIRE_FALSE(hex_decode("abc"));
    REQUIRE_FALSE(hex_decode("zz"));
    REQUIRE_FALSE(hex_decode("ab cd"));
    REQUIRE_FALSE(hex_decode("abcd\n"));
    REQUIRE_FALSE(hex_decode("0x12"));
    REQUIRE_FALSE(hex_decode_secret("abc"));
    REQUIRE_FALSE(hex_decode_secret("g0"));
}

TEST_CASE("hex decodes into secret bytes", "[crypto][encoding]") {
    auto secret = hex_decode_secret("00112233");
    REQUIRE(secret);
    std::vector<unsigned char> expected{0x00, 0x11, 0x22, 0x33};
    REQUIRE(secret->equals(expected));
}

TEST_CASE("base64 matches RFC 4648 vectors", "[crypto][encoding]") {
    REQUIRE(base64_encode(bytes_of("")) == "");
    REQUIRE(base64_encode(bytes_of("f")) == "Zg==");
    REQUIRE(base64_encode(bytes_of("fo")) == "Zm8=");
    REQUIRE(base64_encode(bytes_of("foo")) == "Zm9v");
    REQUIRE(base64_encode(bytes_of("foobar")) == "Zm9vYmFy");
    REQUIRE(base64_encode(bytes_of("f"), base64_variant::url_safe_unpadded) == "Zg");
    REQUIRE(base64_encode(std::vector<unsigned char>{0xfb, 0xff},
                          base64_variant::url_safe_unpadded) == "-_8");
}

TEST_CASE("base64 round trips both variants", "[crypto][encoding]") {
    for (auto variant : {base64_variant::standard, base64_variant::url_safe_unpadded}) {
        for (std::size_t size = 0; size < 70; ++size) {
            auto bytes = pattern(size);
            auto decoded = base64_decode(base64_encode(bytes, variant), variant);
            REQUIRE(decoded);
            REQUIRE(*decoded == bytes);
        }
    }
}

TEST_CASE("base64 decoding rejects bad input", "[crypto][encoding]") {
    REQUIRE_FALSE(base64_decode("Zg"));   // padding missing
    REQUIRE_FALSE(base64_decode("Zg==="));   // extra padding
    REQUIRE_FALSE(base64_decode("Zh=="));  // non-zero trailing bits
    REQUIRE_FALSE(base64_decode("Zm9v\n"));
    REQUIRE_FALSE(base64_decode("Zm 9v"));
    REQUIRE_FALSE(base64_decode("Zm9v!"));
    REQUIRE_FALSE(base64_decode("Zg==", base64_variant::url_safe_unpadded));
    REQUIRE_FALSE(base64_decode("-_8", base64_variant::standard));
    REQUIRE_FALSE(base64_decode_secret("Zg"));
}

TEST_CASE("base64 decodes into secret bytes", "[crypto][encoding]") {
    auto secret = base64_decode_secret("Zm9vYmE=");
    REQUIRE(secret);
    REQUIRE(secret->equals(bytes_of("fooba")));
}
