#include "src/net/connection_limiter.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <vector>

using skrynka::net::connection_limiter;

TEST_CASE("connection limiter caps one address", "[net][limiter]") {
    connection_limiter limiter(2);
    auto first = limiter.try_acquire("192.0.2.1");
    auto second = limiter.try_acquire("192.0.2.1");
    CHECK(first.has_value());
    CHECK(second.has_value());
    CHECK_FALSE(limiter.try_acquire("192.0.2.1").has_value());
    CHECK(limiter.try_acquire("192.0.2.2").has_value());
    CHECK(limiter.count("192.0.2.1") == 2);
}

TEST_CASE("connection limiter releases on destruction", "[net][limiter]") {
    connection_limiter limiter(1);
    {
        auto slot = limiter.try_acquire("::1");
        REQUIRE(slot.has_value());
        CHECK_FALSE(limiter.try_acquire("::1").has_value());
    }
    CHECK(limiter.count("::1") == 0);
    CHECK(limiter.try_acquire("::1").has_value());
}

TEST_CASE("connection limiter slot outlives the limiter", "[net][limiter]") {
    std::optional<connection_limiter::slot> slot;
    {
        connection_limiter limiter(1);
        slot.emplace(std::move(*limiter.try_acquire("192.0.2.9")));
    }
    slot.reset();
    SUCCEED("no use after free; checked under ASan");
}

TEST_CASE("connection limiter lowers its maximum", "[net][limiter]") {
    connection_limiter limiter(3);
    auto first = limiter.try_acquire("192.0.2.1");
    auto second = limiter.try_acquire("192.0.2.1");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());

    limiter.set_max_per_address(1);
    CHECK(limiter.max_per_address() == 1);
    CHECK(limiter.count("192.0.2.1") == 2);
    CHECK_FALSE(limiter.try_acquire("192.0.2.1").has_value());
    CHECK(limiter.try_acquire("192.0.2.2").has_value());

    first.reset();
    second.reset();
    CHECK(limiter.try_acquire("192.0.2.1").has_value());
    limiter.set_max_per_address(4);
    CHECK(limiter.max_per_address() == 4);
}
