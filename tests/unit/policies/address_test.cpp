#include "policies/address.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::policies;

namespace {

std::error_code error_of(std::string_view text) {
    std::error_code error;
    auto parsed = parse_address(text, error);
    REQUIRE(parsed.has_value() == !error);
    return error;
}

} // namespace

TEST_CASE("address parser lowercases both parts", "[policies][address]") {
    std::error_code error;
    auto parsed = parse_address("Alice.Smith+tag@Mail.Example.ORG", error);
    REQUIRE(parsed);
    REQUIRE_FALSE(error);
    REQUIRE(parsed->local_part == "alice.smith+tag");
    REQUIRE(parsed->domain == "mail.example.org");
    REQUIRE(parsed->text() == "alice.smith+tag@mail.example.org");
}

TEST_CASE("address parser accepts every atext character", "[policies][address]") {
    REQUIRE_FALSE(error_of("a!#$%&'*+-/=?^_`{|}~z@example.org"));
    REQUIRE_FALSE(error_of("x@localhost"));
    REQUIRE_FALSE(error_of("x@xn--80akhbyknj4f.xn--j1amh"));
}

TEST_CASE("address parser rejects empty parts", "[policies][address]") {
    REQUIRE(error_of("") == address_error::empty);
    REQUIRE(error_of("@example.org") == address_error::empty_local_part);
    REQUIRE(error_of("alice@") == address_error::empty_domain);
    REQUIRE(error_of("alice") == address_error::missing_at);
}

TEST_CASE("address parser rejects spaces and controls", "[policies][address]") {
    REQUIRE(error_of("alice @example.org") == address_error::space_or_control);
    REQUIRE(error_of(" alice@example.org") == address_error::space_or_control);
    REQUIRE(error_of("alice@example.org\r\n") == address_error::space_or_control);
    REQUIRE(error_of(std::string("ali\0ce@example.org", 18)) == address_error::space_or_control);
    REQUIRE(error_of("alice@exa\tmple.org") == address_error::space_or_control);
    REQUIRE(error_of("alice\x7f@example.org") == address_error::space_or_control);
}

TEST_CASE("address parser rejects bad dots", "[policies][address]") {
    REQUIRE(error_of(".alice@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("alice.@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("al..ice@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("alice@example..org") == address_error::invalid_domain);
    REQUIRE(error_of("alice@.example.org") == address_error::invalid_domain);
    REQUIRE(error_of("alice@example.org.") == address_error::invalid_domain);
}

TEST_CASE("address parser rejects bad characters", "[policies][address]") {
    REQUIRE(error_of("al(ice@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("al@ice@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("\"alice\"@example.org") == address_error::quoted_local_part);
    REQUIRE(error_of("alice@exa_mple.org") == address_error::invalid_domain);
    REQUIRE(error_of("alice@-example.org") == address_error::invalid_domain);
    REQUIRE(error_of("alice@example-.org") == address_error::invalid_domain);
    REQUIRE(error_of("alice@[127.0.0.1]") == address_error::invalid_domain);
    REQUIRE(error_of("алиса@example.org") == address_error::invalid_local_part);
    REQUIRE(error_of("alice@пошта.укр") == address_error::invalid_domain);
}

TEST_CASE("address parser enforces RFC 5321 lengths", "[policies][address]") {
    std::string local64(64, 'a');
    REQUIRE_FALSE(error_of(local64 + "@example.org"));
    REQUIRE(error_of(local64 + "a@example.org") == address_error::local_part_too_long);

    std::string label63(63, 'b');
    REQUIRE_FALSE(error_of("a@" + label63 + ".org"));
    REQUIRE(error_of("a@" + label63 + "b.org") == address_error::invalid_domain);

    // 1 + 1 + 252 = 254 octets fits the 256-octet path; one more does not.
    std::string domain252 = label63 + "." + label63 + "." + label63 + "." + std::string(60, 'c');
    REQUIRE(domain252.size() == 252);
    REQUIRE_FALSE(error_of("a@" + domain252));
    REQUIRE(error_of("ab@" + domain252) == address_error::address_too_long);
}

TEST_CASE("domain parser enforces 255 octets", "[policies][address]") {
    std::string label63(63, 'd');
    std::string domain255 = label63 + "." + label63 + "." + label63 + "." + std::string(63, 'e');
    REQUIRE(domain255.size() == 255);
    std::error_code error;
    REQUIRE(parse_domain(domain255, error));
    REQUIRE(parse_domain(domain255 + "e", error) == std::nullopt);
    REQUIRE(error == address_error::domain_too_long);
    REQUIRE(parse_domain("Example.ORG", error) == std::string("example.org"));
}

TEST_CASE("address errors have messages", "[policies][address]") {
    std::error_code error = address_error::local_part_too_long;
    REQUIRE(error.message() == "the local part is longer than 64 octets");
    REQUIRE(std::string(error.category().name()) == "address");
}
