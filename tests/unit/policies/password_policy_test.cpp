#include "policies/password_policy.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

using namespace skrynka::policies;

namespace {

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

password_problem check(std::string_view password, std::string_view local_part = "alice") {
    return check_password(bytes_of(password), local_part, password_rules{});
}

} // namespace

TEST_CASE("password policy accepts a long random phrase", "[policies][password]") {
    REQUIRE(check("tram-violet-ember-4711") == password_problem::none);
}

TEST_CASE("password policy rejects empty", "[policies][password]") {
    REQUIRE(check("") == password_problem::empty);
}

TEST_CASE("password policy enforces the minimum", "[policies][password]") {
    REQUIRE(check("x7#kQ2m!pL9") == password_problem::too_short);
    REQUIRE(check("x7#kQ2m!pL9z") == password_problem::none);
}

TEST_CASE("password minimum counts characters, not bytes", "[policies][password]") {
    // Eleven Cyrillic letters take 22 bytes but are still too short.
    REQUIRE(check("скринькапош") == password_problem::too_short);
    REQUIRE(check("скринькапошт") == password_problem::none);
}

TEST_CASE("password policy enforces the maximum in bytes", "[policies][password]") {
    password_rules rules{12, 64};
    std::string at_limit(64, 'a');
    at_limit[0] = 'b';
    std::string over_limit = at_limit + "c";
    REQUIRE(check_password(bytes_of(at_limit), "", rules) == password_problem::none);
    REQUIRE(check_password(bytes_of(over_limit), "", rules) == password_problem::too_long);
}

TEST_CASE("password policy rejects one repeated character", "[policies][password]") {
    REQUIRE(check("aaaaaaaaaaaaaaaa") == password_problem::one_character);
    REQUIRE(check("жжжжжжжжжжжжжж") == password_problem::one_character);
    REQUIRE(check("aaaaaaaaaaaaaaab") == password_problem::none);
}

TEST_CASE("password policy rejects common passwords in any case", "[policies][password]") {
    password_rules rules{8, 1024};
    REQUIRE(check_password(bytes_of("password"), "", rules) == password_problem::common);
    REQUIRE(check_password(bytes_of("PassWord123"), "", rules) == password_problem::common);
    REQUIRE(check_password(bytes_of("12345678"), "", rules) == password_problem::common);
    REQUIRE(check_password(bytes_of("correcthorsebatterystaple"), "", rules) ==
            password_problem::common);
    REQUIRE(check_password(bytes_of("password1234"), "", rules) == password_problem::none);
}

TEST_CASE("password policy rejects the local part", "[policies][password]") {
    REQUIRE(check("my-ALICE-mail-2026", "alice") == password_problem::contains_local_part);
    REQUIRE(check("my-alice-mail-2026", "bob") == password_problem::none);
}

TEST_CASE("password policy ignores short local parts", "[policies][password]") {
    REQUIRE(check("jogging-in-the-rain", "jo") == password_problem::none);
    REQUIRE(check("jogging-in-the-rain", "") == password_problem::none);
}

TEST_CASE("password problems have reasons", "[policies][password]") {
    password_rules rules{12, 1024};
    REQUIRE(describe_password_problem(password_problem::too_short, rules) ==
            "the password is shorter than 12 characters");
    REQUIRE(describe_password_problem(password_problem::too_long, rules) ==
            "the password is longer than 1024 bytes");
    REQUIRE(describe_password_problem(password_problem::empty, rules) == "the password is empty");
    REQUIRE(describe_password_problem(password_problem::common, rules).find("common") !=
            std::string::npos);
    REQUIRE(describe_password_problem(password_problem::contains_local_part, rules)
                .find("local part") != std::string::npos);
}
