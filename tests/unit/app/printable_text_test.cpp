#include "src/cli/printable_text.hpp"

#include <catch2/catch.hpp>
#include <string>

using skrynka::app::cli::printable_text;
using skrynka::app::cli::printable_text_max_bytes;

TEST_CASE("printable text leaves plain text unchanged", "[cli]") {
    REQUIRE(printable_text("invalid address 'alice@example.org'") ==
            "invalid address 'alice@example.org'");
    REQUIRE(printable_text("") == "");
    REQUIRE(printable_text("пошта@приклад.укр") == "пошта@приклад.укр");
}

TEST_CASE("printable text escapes line breaks", "[cli]") {
    REQUIRE(printable_text("a\nb") == "a\\nb");
    REQUIRE(printable_text("a\r\nb") == "a\\r\\nb");
    REQUIRE(printable_text("a\tb") == "a\\tb");
}

TEST_CASE("printable text escapes other control bytes", "[cli]") {
    REQUIRE(printable_text("a\x1b[31mred") == "a\\x1b[31mred");
    REQUIRE(printable_text(std::string("a\0b", 3)) == "a\\x00b");
    REQUIRE(printable_text("a\x7f") == "a\\x7f");
}

TEST_CASE("printable text escapes the backslash", "[cli]") {
    // Otherwise a literal "\n" in the input would read as an escaped line break.
    REQUIRE(printable_text("a\\nb") == "a\\\\nb");
}

TEST_CASE("printable text truncates long text", "[cli]") {
    const std::string at_limit(printable_text_max_bytes, 'x');
    REQUIRE(printable_text(at_limit) == at_limit);

    const std::string over_limit(printable_text_max_bytes + 1, 'x');
    REQUIRE(printable_text(over_limit) == at_limit + "...");
}
