#include "src/admin/request_parsing.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::app::admin;

TEST_CASE("target splits path and decodes segments", "[admin][request]") {
    const auto target = parse_target("/api/accounts/alice%40example.org/receipts");
    REQUIRE(target);
    REQUIRE(target->segments ==
            std::vector<std::string>{"api", "accounts", "alice@example.org", "receipts"});
    REQUIRE(target->query.empty());
}

TEST_CASE("target root has no segment", "[admin][request]") {
    const auto target = parse_target("/");
    REQUIRE(target);
    REQUIRE(target->segments.empty());
}

TEST_CASE("target keeps plus in a path", "[admin][request]") {
    const auto target = parse_target("/api/accounts/a+b@example.org");
    REQUIRE(target);
    REQUIRE(target->segments[2] == "a+b@example.org");
}

TEST_CASE("target reads the query", "[admin][request]") {
    const auto target = parse_target("/api/audit?user=a%40b.org&event=login.failure&limit=5");
    REQUIRE(target);
    REQUIRE(target->segments == std::vector<std::string>{"api", "audit"});
    REQUIRE(find_parameter(target->query, "user") == "a@b.org");
    REQUIRE(find_parameter(target->query, "event") == "login.failure");
    REQUIRE(find_parameter(target->query, "limit") == "5");
    REQUIRE_FALSE(find_parameter(target->query, "cursor"));
}

TEST_CASE("target rejects malformed input", "[admin][request]") {
    for (const char* bad :
         {"", "api/health", "*", "http://example.org/", "/a%", "/a%4", "/a%zz", "/a%2fb", "/a%2Fb",
          "/a%00", "/a%0d%0a", "/?x=%", "/?x=%0a", "/a\x01"}) {
        INFO(bad);
        REQUIRE_FALSE(parse_target(bad));
    }
}

TEST_CASE("form decodes plus and escapes", "[admin][request]") {
    const auto form = parse_form("token=skt_ab+cd&lang=uk&&empty=&flag");
    REQUIRE(form);
    REQUIRE(form->size() == 4);
    REQUIRE(find_parameter(*form, "token") == "skt_ab cd");
    REQUIRE(find_parameter(*form, "lang") == "uk");
    REQUIRE(find_parameter(*form, "empty") == "");
    REQUIRE(find_parameter(*form, "flag") == "");
}

TEST_CASE("form rejects too many parameters", "[admin][request]") {
    std::string text;
    for (std::size_t i = 0; i < parameters_max; ++i) {
        text += "a=1&";
    }
    REQUIRE(parse_form(text));
    text += "b=2";
    REQUIRE_FALSE(parse_form(text));
}

TEST_CASE("form rejects every truncated escape", "[admin][request]") {
    const std::string whole = "a=%41%42";
    for (std::size_t size = 0; size <= whole.size(); ++size) {
        const std::string prefix = whole.substr(0, size);
        INFO(prefix);
        const bool complete_escape = size == 2 || size == 5 || size == 8 || size < 2;
        REQUIRE(parse_form(prefix).has_value() == complete_escape);
    }
}

TEST_CASE("bearer token is read from authorization", "[admin][request]") {
    REQUIRE(bearer_token("Bearer skt_0123abcd") == "skt_0123abcd");
    REQUIRE(bearer_token("bearer   skt_x=") == "skt_x=");
    REQUIRE(bearer_token(" BEARER skt_x ") == "skt_x");
    REQUIRE_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
    REQUIRE_FALSE(bearer_token("Bearer"));
    REQUIRE_FALSE(bearer_token("Bearer "));
    REQUIRE_FALSE(bearer_token("Bearer a b"));
    REQUIRE_FALSE(bearer_token("Bearer a\"b"));
    REQUIRE_FALSE(bearer_token("Bearer =abc"));
    REQUIRE_FALSE(bearer_token("Bearerskt_x"));
}

TEST_CASE("cookie value is found by name", "[admin][request]") {
    REQUIRE(cookie_value("a=1; skrynka_lang=uk; b=2", "skrynka_lang") == "uk");
    REQUIRE(cookie_value("skrynka_lang=\"en\"", "skrynka_lang") == "en");
    REQUIRE_FALSE(cookie_value("xskrynka_lang=uk", "skrynka_lang"));
    REQUIRE_FALSE(cookie_value("", "skrynka_lang"));
    REQUIRE_FALSE(cookie_value("skrynka_lang", "skrynka_lang"));
}

TEST_CASE("language choice follows weights", "[admin][request]") {
    REQUIRE(choose_language(std::nullopt, "") == language::english);
    REQUIRE(choose_language(std::nullopt, "uk-UA,uk;q=0.9,en;q=0.8") == language::ukrainian);
    REQUIRE(choose_language(std::nullopt, "en-GB, uk;q=0.5") == language::english);
    REQUIRE(choose_language(std::nullopt, "de, uk;q=0.3") == language::ukrainian);
    REQUIRE(choose_language(std::nullopt, "uk;q=0, en;q=0.1") == language::english);
    REQUIRE(choose_language(std::nullopt, "uk;q=2") == language::english);
    REQUIRE(choose_language(std::nullopt, "fr") == language::english);
}

TEST_CASE("explicit language wins over the header", "[admin][request]") {
    REQUIRE(choose_language("uk", "en") == language::ukrainian);
    REQUIRE(choose_language("en", "uk") == language::english);
    REQUIRE(choose_language("xx", "uk") == language::ukrainian);
    REQUIRE(language_code(language::ukrainian) == "uk");
    REQUIRE(language_code(language::english) == "en");
}
