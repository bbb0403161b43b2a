#include "src/smtp/error.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <system_error>

using namespace skrynka::smtp;

TEST_CASE("error table covers every value", "[smtp][error]") {
    std::set<std::string_view> names;
    for (int value = static_cast<int>(errc::line_too_long);
         value <= static_cast<int>(errc::closing_bdat_out_of_sync); ++value) {
        const error_reply_text& text = reply_for(static_cast<errc>(value));
        INFO("value " << value << " name " << text.name);
        CHECK(text.name != "internal");
        CHECK(names.insert(text.name).second);
        CHECK(text.code >= 400);
        CHECK(text.code < 600);
        CHECK(text.status.front() == static_cast<char>('0' + text.code / 100));
        CHECK_FALSE(text.text.empty());
    }
}

TEST_CASE("error table entries line up with the enum", "[smtp][error]") {
    CHECK(reply_for(errc::line_too_long).name == "line_too_long");
    CHECK(reply_for(errc::unknown_user).name == "unknown_user");
    CHECK(reply_for(errc::unknown_user).code == 550);
    CHECK(reply_for(errc::message_too_large).name == "message_too_large");
    CHECK(reply_for(errc::closing_too_many_errors).name == "too_many_errors");
    CHECK(reply_for(errc::closing_bdat_out_of_sync).code == 421);
}

TEST_CASE("error code uses the smtp category", "[smtp][error]") {
    const std::error_code code = errc::relay_denied;
    CHECK(code.category().name() == std::string("smtp"));
    CHECK(code.message() == "Relay access denied");
    CHECK(code == errc::relay_denied);
    CHECK(reply_for(static_cast<errc>(0)).code == 451);
}
