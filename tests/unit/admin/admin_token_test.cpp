#include "src/admin/admin_token.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::app::admin;
namespace storage = skrynka::storage;

namespace {

std::string text_of(const skrynka::crypto::secret_bytes& secret) {
    return {reinterpret_cast<const char*>(secret.data()), secret.size()};
}

storage::admin_token stored(std::string label, std::string_view token) {
    storage::admin_token result;
    result.label = std::move(label);
    result.hash = hash_admin_token(std::span<const unsigned char>(
        reinterpret_cast<const unsigned char*>(token.data()), token.size()));
    return result;
}

} // namespace

TEST_CASE("admin token has prefix and hex", "[admin][token]") {
    const std::string token = text_of(generate_admin_token());
    REQUIRE(token.size() == 4 + 64);
    REQUIRE(token.starts_with("skt_"));
    REQUIRE(token.find_first_not_of("0123456789abcdef", 4) == std::string::npos);
    REQUIRE(text_of(generate_admin_token()) != token);
}

TEST_CASE("admin token matches only its own hash", "[admin][token]") {
    const std::string first = text_of(generate_admin_token());
    const std::string second = text_of(generate_admin_token());
    const std::vector<storage::admin_token> tokens{stored("one", first), stored("two", second)};

    REQUIRE(match_admin_token(tokens, first) == "one");
    REQUIRE(match_admin_token(tokens, second) == "two");
    REQUIRE_FALSE(match_admin_token(tokens, ""));
    REQUIRE_FALSE(match_admin_token({}, first));
}

TEST_CASE("admin token with one byte changed fails", "[admin][token]") {
    const std::string token = text_of(generate_admin_token());
    const std::vector<storage::admin_token> tokens{stored("ops", token)};
    for (std::size_t i = 0; i < token.size(); ++i) {
        std::string changed = token;
        changed[i] = changed[i] == 'a' ? 'b' : 'a';
        INFO(i);
        REQUIRE_FALSE(match_admin_token(tokens, changed));
    }
    for (std::size_t size = 0; size < token.size(); ++size) {
        REQUIRE_FALSE(match_admin_token(tokens, token.substr(0, size)));
    }
}

TEST_CASE("admin token labels are checked", "[admin][token]") {
    REQUIRE(is_valid_admin_token_label("prometheus"));
    REQUIRE(is_valid_admin_token_label("ops-laptop_2.home"));
    REQUIRE(is_valid_admin_token_label(std::string(64, 'x')));
    REQUIRE_FALSE(is_valid_admin_token_label(""));
    REQUIRE_FALSE(is_valid_admin_token_label(std::string(65, 'x')));
    REQUIRE_FALSE(is_valid_admin_token_label("with space"));
    REQUIRE_FALSE(is_valid_admin_token_label("tab\there"));
    REQUIRE_FALSE(is_valid_admin_token_label("semi;colon"));
}
