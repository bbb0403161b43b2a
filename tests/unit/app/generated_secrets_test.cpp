#include "src/cli/generated_secrets.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>

using namespace skrynka::app::cli;
using skrynka::crypto::secret_bytes;

namespace {

std::string text_of(const secret_bytes& secret) {
    return std::string(reinterpret_cast<const char*>(secret.data()), secret.size());
}

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

} // namespace

TEST_CASE("recovery code has eight groups of five", "[cli][secrets]") {
    std::string code = text_of(generate_recovery_code());
    REQUIRE(code.size() == 47);
    for (std::size_t i = 0; i < code.size(); ++i) {
        INFO("position " << i << " of " << code);
        if (i % 6 == 5) {
            REQUIRE(code[i] == '-');
        } else {
            REQUIRE(std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(code[i]) !=
                    std::string_view::npos);
        }
    }
}

TEST_CASE("recovery codes differ", "[cli][secrets]") {
    std::set<std::string> codes;
    for (int i = 0; i < 100; ++i) {
        codes.insert(text_of(generate_recovery_code()));
    }
    REQUIRE(codes.size() == 100);
}

TEST_CASE("recovery code canonical form drops separators", "[cli][secrets]") {
    auto code = generate_recovery_code();
    auto canonical = canonical_recovery_code(code.bytes());
    REQUIRE(canonical);
    REQUIRE(canonical->size() == 40);

    std::string expected = text_of(code);
    expected.erase(std::remove(expected.begin(), expected.end(), '-'), expected.end());
    REQUIRE(text_of(*canonical) == expected);
}

TEST_CASE("recovery code input forgives case and look-alikes", "[cli][secrets]") {
    const std::string canonical = "0123456789ABCDEFGHJKMNPQRSTVWXYZ01234567";
    auto expect_canonical = [&](std::string_view typed) {
        INFO(typed);
        auto result = canonical_recovery_code(bytes_of(typed));
        REQUIRE(result);
        REQUIRE(text_of(*result) == canonical);
    };
    expect_canonical("0123456789ABCDEFGHJKMNPQRSTVWXYZ01234567");
    expect_canonical("01234-56789-abcde-fghjk-mnpqr-stvwx-yz012-34567");
    expect_canonical("o1234 56789 ABCDE FGHJK MNPQR STVWX YZ0I2 34567");
    expect_canonical("0l234-56789-ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567");
}

TEST_CASE("recovery code input rejects wrong text", "[cli][secrets]") {
    for (std::string_view typed :
         {"", "01234", "0123456789ABCDEFGHJKMNPQRSTVWXYZ0123456", // 39 symbols
          "0123456789ABCDEFGHJKMNPQRSTVWXYZ012345678",            // 41 symbols
          "U123456789ABCDEFGHJKMNPQRSTVWXYZ01234567",             // U is not a symbol
          "0123456789ABCDEFGHJKMNPQRSTVWXYZ0123456_",
          "0123456789ABCDEFGHJKMNPQRSTVWXYZ0123456\n"}) {
        INFO(typed);
        REQUIRE_FALSE(canonical_recovery_code(bytes_of(typed)));
    }
    std::string_view with_nul("0123456789ABCDEFGHJKMNPQRSTVWXYZ0123456\0", 40);
    REQUIRE_FALSE(canonical_recovery_code(bytes_of(with_nul)));
}

TEST_CASE("app password has four groups of six", "[cli][secrets]") {
    std::string password = text_of(generate_app_password());
    REQUIRE(password.size() == 27);
    for (std::size_t i = 0; i < password.size(); ++i) {
        INFO("position " << i << " of " << password);
        if (i % 7 == 6) {
            REQUIRE(password[i] == '-');
        } else {
            REQUIRE(std::string_view("0123456789abcdefghjkmnpqrstvwxyz").find(password[i]) !=
                    std::string_view::npos);
        }
    }
    REQUIRE(text_of(generate_app_password()) != password);
}
