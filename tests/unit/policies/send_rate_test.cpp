#include "policies/send_rate.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::policies;
using namespace std::chrono_literals;

TEST_CASE("send rate counts messages per account", "[policies][send_rate]") {
    send_rate_limiter limiter(2, 100, 3600s);
    const auto start = send_rate_limiter::clock::time_point(1000s);
    CHECK(limiter.take_recipient(1, true, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, true, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, true, start) == send_rate_decision::too_many_messages);
    // Another account has its own budget.
    CHECK(limiter.take_recipient(2, true, start) == send_rate_decision::allowed);
    // More recipients of an open message still count against the recipient limit only.
    CHECK(limiter.take_recipient(1, false, start) == send_rate_decision::allowed);
}

TEST_CASE("send rate counts recipients", "[policies][send_rate]") {
    send_rate_limiter limiter(100, 3, 3600s);
    const auto start = send_rate_limiter::clock::time_point(1000s);
    CHECK(limiter.take_recipient(1, true, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start) == send_rate_decision::too_many_recipients);
    CHECK(limiter.take_recipient(1, true, start + 3599s) ==
          send_rate_decision::too_many_recipients);
    // Refused recipients were not counted, so once the window has passed all three
    // places are free again.
    CHECK(limiter.take_recipient(1, true, start + 3600s) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start + 3600s) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start + 3600s) == send_rate_decision::allowed);
    CHECK(limiter.take_recipient(1, false, start + 3600s) ==
          send_rate_decision::too_many_recipients);
}
