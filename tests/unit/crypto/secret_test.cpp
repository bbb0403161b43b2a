#include "crypto/secret.hpp"

#include <catch2/catch.hpp>

#include <utility>

using skrynka::crypto::secret_bytes;

TEST_CASE("secret bytes start zeroed", "[crypto][secret]") {
    secret_bytes secret(32);
    REQUIRE(secret.size() == 32);
    for (unsigned char byte : secret.bytes()) {
        REQUIRE(byte == 0);
    }
}

TEST_CASE("random secrets differ", "[crypto][secret]") {
    auto first = secret_bytes::random(32);
    auto second = secret_bytes::random(32);
    REQUIRE_FALSE(first.equals(second.bytes()));
}

TEST_CASE("moved-from secret owns nothing", "[crypto][secret]") {
    auto original = secret_bytes::copy_of(std::string_view("password"));
    secret_bytes moved = std::move(original);
    REQUIRE(original.empty());
    REQUIRE(original.data() == nullptr);
    REQUIRE(moved.size() == 8);
    REQUIRE(moved.equals(secret_bytes::copy_of(std::string_view("password")).bytes()));
}

TEST_CASE("secret comparison checks size", "[crypto][secret]") {
    auto secret = secret_bytes::copy_of(std::string_view("abc"));
    REQUIRE_FALSE(secret.equals(secret_bytes::copy_of(std::string_view("abcd")).bytes()));
    REQUIRE_FALSE(secret.equals(secret_bytes::copy_of(std::string_view("abd")).bytes()));
    REQUIRE(secret.equals(secret_bytes::copy_of(std::string_view("abc")).bytes()));
}
