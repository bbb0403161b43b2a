#include "src/cli/account_input.hpp"
#include "src/cli/cli_error.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::app;
using skrynka::crypto::secret_bytes;

namespace {

config::settings two_domains() {
    config::settings settings;
    settings.file = "/srv/mail/skrynka.toml";
    settings.server.domains = {"example.org", "example.net"};
    return settings;
}

std::string error_of(std::string_view address) {
    try {
        cli::parse_account_address(address, two_domains());
    } catch (const cli::cli_error& error) {
        return error.what();
    }
    return "accepted";
}

std::string password_error_of(std::string_view password) {
    try {
        cli::check_new_password(secret_bytes::copy_of(password), {"alice", "example.org"},
                                skrynka::policies::limit_values{});
    } catch (const cli::cli_error& error) {
        return error.what();
    }
    return "accepted";
}

} // namespace

TEST_CASE("account address is canonical", "[cli][account]") {
    auto parsed = cli::parse_account_address("Alice@Example.NET", two_domains());
    REQUIRE(parsed.text() == "alice@example.net");
}

TEST_CASE("account address rejects invalid text", "[cli][account]") {
    REQUIRE(error_of("alice") == "invalid address 'alice': the address has no '@'");
    REQUIRE(error_of("al ice@example.org") ==
            "invalid address 'al ice@example.org': the address contains a space or a control "
            "character");
}

TEST_CASE("account address rejects unknown domain", "[cli][account]") {
    REQUIRE(error_of("alice@example.com") ==
            "unknown domain 'example.com' in 'alice@example.com': this instance serves "
            "example.org, example.net (server.domains in /srv/mail/skrynka.toml)");
    REQUIRE(error_of("alice@mail.example.org").rfind("unknown domain", 0) == 0);
}

TEST_CASE("account address rejects a subaddress tag", "[cli][account]") {
    REQUIRE(error_of("alice+lists@example.org").find("'+' separates a subaddress tag") !=
            std::string::npos);
}

TEST_CASE("new password check gives the reason", "[cli][account]") {
    REQUIRE(password_error_of("") == "weak password: the password is empty");
    REQUIRE(password_error_of("short") ==
            "weak password: the password is shorter than 12 characters");
    REQUIRE(password_error_of("alice-in-wonderland") ==
            "weak password: the password contains the address's local part");
    REQUIRE(password_error_of("quiet-harbor-lantern-42") == "accepted");
}
