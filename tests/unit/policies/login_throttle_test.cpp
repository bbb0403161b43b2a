// Failed-login counting per address: the limit, the window and separate addresses.
#include "policies/login_throttle.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::policies;
using std::chrono::seconds;

TEST_CASE("login throttle refuses after max failures") {
    login_throttle throttle(3, seconds(60));
    const auto start = login_throttle::clock::time_point{} + seconds(1000);
    for (int i = 0; i < 3; ++i) {
        CHECK(throttle.allowed("192.0.2.1", start));
        throttle.record_failure("192.0.2.1", start);
    }
    CHECK_FALSE(throttle.allowed("192.0.2.1", start + seconds(59)));
    CHECK(throttle.allowed("192.0.2.2", start));
}

TEST_CASE("login throttle forgets failures after the window") {
    login_throttle throttle(2, seconds(60));
    const auto start = login_throttle::clock::time_point{} + seconds(1000);
    throttle.record_failure("::1", start);
    throttle.record_failure("::1", start + seconds(30));
    CHECK_FALSE(throttle.allowed("::1", start + seconds(59)));
    CHECK(throttle.allowed("::1", start + seconds(60)));
    throttle.record_failure("::1", start + seconds(61));
    CHECK_FALSE(throttle.allowed("::1", start + seconds(62)));
    CHECK(throttle.allowed("::1", start + seconds(121)));
}

TEST_CASE("login throttle sweeps idle addresses") {
    login_throttle throttle(1, seconds(60));
    const auto start = login_throttle::clock::time_point{} + seconds(1000);
    for (int i = 0; i < 10001; ++i) {
        throttle.record_failure("10.0." + std::to_string(i), start);
    }
    throttle.record_failure("10.1.0.0", start + seconds(120));
    CHECK(throttle.allowed("10.0.0", start + seconds(120)));
    CHECK_FALSE(throttle.allowed("10.1.0.0", start + seconds(120)));
}

TEST_CASE("login throttle applies a new policy") {
    login_throttle throttle(5, seconds(60));
    const auto start = login_throttle::clock::time_point{} + seconds(1000);
    for (int i = 0; i < 3; ++i) {
        throttle.record_failure("192.0.2.1", start);
    }
    CHECK(throttle.allowed("192.0.2.1", start + seconds(1)));

    throttle.set_policy(2, seconds(60));
    CHECK_FALSE(throttle.allowed("192.0.2.1", start + seconds(1)));

    // A shorter window forgets the old failures at once.
    throttle.set_policy(2, seconds(10));
    CHECK(throttle.allowed("192.0.2.1", start + seconds(11)));

    // Lowering the maximum trims what is kept, so two failures still suffice.
    throttle.set_policy(5, seconds(60));
    for (int i = 0; i < 5; ++i) {
        throttle.record_failure("192.0.2.2", start);
    }
    throttle.set_policy(2, seconds(60));
    throttle.record_failure("192.0.2.2", start + seconds(2));
    CHECK_FALSE(throttle.allowed("192.0.2.2", start + seconds(3)));
}

TEST_CASE("login throttle reports one rejection per window") {
    login_throttle throttle(1, seconds(60));
    const auto start = login_throttle::clock::time_point{} + seconds(1000);

    CHECK(throttle.first_rejection("192.0.2.1", start));
    CHECK_FALSE(throttle.first_rejection("192.0.2.1", start + seconds(1)));
    CHECK_FALSE(throttle.first_rejection("192.0.2.1", start + seconds(59)));
    CHECK(throttle.first_rejection("192.0.2.2", start + seconds(59)));
    CHECK(throttle.first_rejection("192.0.2.1", start + seconds(60)));
    CHECK_FALSE(throttle.first_rejection("192.0.2.1", start + seconds(61)));
}
