#include "crypto/error.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <system_error>

using skrynka::crypto::crypto_error;
using skrynka::crypto::errc;

TEST_CASE("crypto error codes compare by value", "[crypto][error]") {
    std::error_code code = errc::authentication_failed;
    REQUIRE(code == errc::authentication_failed);
    REQUIRE(code != errc::invalid_format);
    REQUIRE(std::string(code.category().name()) == "crypto");
    REQUIRE(code.value() != 0);
}

TEST_CASE("crypto error codes have distinct messages", "[crypto][error]") {
    std::error_code format = errc::invalid_format;
    std::error_code version = errc::unsupported_version;
    REQUIRE_FALSE(format.message().empty());
    REQUIRE(format.message() != version.message());
}

TEST_CASE("crypto error exception carries its code", "[crypto][error]") {
    try {
        throw crypto_error(errc::invalid_argument, "content key must be 32 bytes");
    } catch (const std::system_error& error) {
        REQUIRE(error.code() == errc::invalid_argument);
        REQUIRE(std::string(error.what()).find("content key must be 32 bytes") !=
                std::string::npos);
    }
}
