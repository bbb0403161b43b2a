#include "src/smtp/limits.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::smtp;

TEST_CASE("limits defaults are valid", "[smtp][limits]") {
    CHECK(check_limits(smtp_limits{}).empty());
}

TEST_CASE("limits report values out of range", "[smtp][limits]") {
    smtp_limits limits;
    limits.text_line_max = 10;
    limits.recipients_max = 20000;
    limits.server_idle = std::chrono::seconds(0);
    const auto errors = check_limits(limits);
    REQUIRE(errors.size() == 3);
    CHECK(errors[0] == "text_line_max = 10 is below the minimum 1000");
    CHECK(errors[1] == "recipients_max = 20000 is above the maximum 10000");
    CHECK(errors[2] == "server_idle = 0 is below the minimum 1");
}
