#include "src/logging/logging.hpp"

#include <catch2/catch.hpp>
#include <string>

using skrynka::app::logging::log_value;

TEST_CASE("log value leaves safe text bare", "[logging]") {
    REQUIRE(log_value("alice@example.org") == "alice@example.org");
    REQUIRE(log_value("/srv/mail/skrynka.toml") == "/srv/mail/skrynka.toml");
    REQUIRE(log_value("[::1]:993") == "\"[::1]:993\"");
}

TEST_CASE("log value quotes empty text", "[logging]") {
    REQUIRE(log_value("") == "\"\"");
}

TEST_CASE("log value escapes field and line breaks", "[logging]") {
    REQUIRE(log_value("a b") == "\"a b\"");
    REQUIRE(log_value("x event=fake") == "\"x event=fake\"");
    REQUIRE(log_value("line\r\nevent=stop") == "\"line\\x0d\\x0aevent=stop\"");
    REQUIRE(log_value("say \"hi\" \\") == "\"say \\\"hi\\\" \\\\\"");
    REQUIRE(log_value(std::string("nul\0byte", 8)) == "\"nul\\x00byte\"");
    REQUIRE(log_value("\xd0\xb6") == "\"\\xd0\\xb6\"");
}

TEST_CASE("log value truncates long text", "[logging]") {
    std::string long_text(300, 'a');
    std::string logged = log_value(long_text, 10);
    REQUIRE(logged == "\"aaaaaaaaaa...\"");
    REQUIRE(log_value(std::string(10, 'a'), 10) == std::string(10, 'a'));
}
