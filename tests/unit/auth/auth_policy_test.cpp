#include "policies/auth_policy.hpp"

#include <catch2/catch.hpp>

using boost::asio::ip::make_address;
using skrynka::policies::cleartext_auth_allowed;

TEST_CASE("auth policy allows any address inside TLS", "[auth][policy]") {
    REQUIRE(cleartext_auth_allowed(true, make_address("192.0.2.7")));
    REQUIRE(cleartext_auth_allowed(true, make_address("2001:db8::1"), false));
}

TEST_CASE("auth policy allows cleartext from loopback", "[auth][policy]") {
    REQUIRE(cleartext_auth_allowed(false, make_address("127.0.0.1")));
    REQUIRE(cleartext_auth_allowed(false, make_address("127.3.4.5")));
    REQUIRE(cleartext_auth_allowed(false, make_address("::1")));
    REQUIRE(cleartext_auth_allowed(false, make_address("::ffff:127.0.0.1")));
}

TEST_CASE("auth policy rejects cleartext from the network", "[auth][policy]") {
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("192.0.2.7")));
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("2001:db8::1")));
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("::ffff:192.0.2.7")));
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("0.0.0.0")));
}

TEST_CASE("auth policy switch removes the loopback exemption", "[auth][policy]") {
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("127.0.0.1"), false));
    REQUIRE_FALSE(cleartext_auth_allowed(false, make_address("::1"), false));
}
