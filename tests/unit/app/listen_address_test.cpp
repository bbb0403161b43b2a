#include "src/config/listen_address.hpp"

#include <catch2/catch.hpp>

using skrynka::app::config::parse_listen_address;

TEST_CASE("listen address accepts IPv4 and bracketed IPv6", "[config][listen]") {
    std::string reason;
    auto v4 = parse_listen_address("127.0.0.1:2525", reason);
    REQUIRE(v4);
    REQUIRE(v4->host == "127.0.0.1");
    REQUIRE(v4->port == 2525);
    REQUIRE(v4->text() == "127.0.0.1:2525");

    auto v6 = parse_listen_address("[::]:993", reason);
    REQUIRE(v6);
    REQUIRE(v6->host == "::");
    REQUIRE(v6->port == 993);
    REQUIRE(v6->text() == "[::]:993");
}

TEST_CASE("listen address rejects malformed text", "[config][listen]") {
    for (const char* text : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                             "127.0.0.1:25x", "127.0.0.1:-1", "localhost:25", "::1:25",
                             "[127.0.0.1]:25", "[::1:25", "*:25", ":25", "1.2.3.4.5:25"}) {
        INFO(text);
        std::string reason;
        REQUIRE_FALSE(parse_listen_address(text, reason));
        REQUIRE_FALSE(reason.empty());
    }
}

TEST_CASE("listen address accepts the port range ends", "[config][listen]") {
    std::string reason;
    REQUIRE(parse_listen_address("0.0.0.0:1", reason));
    REQUIRE(parse_listen_address("0.0.0.0:65535", reason));
}
