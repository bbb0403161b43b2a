// The POP3 error table: one entry per errc value, in order, with codes from RFC 2449.
#include "src/pop3/error.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace skrynka::pop3;

TEST_CASE("error table covers every value") {
    std::set<std::string_view> names;
    for (int value = 1; value <= static_cast<int>(errc::closing_too_many_commands); ++value) {
        const error_reply_text& reply = reply_for(static_cast<errc>(value));
        CHECK(reply.name != "internal");
        CHECK_FALSE(reply.text.empty());
        CHECK(names.insert(reply.name).second);
    }
    CHECK(reply_for(static_cast<errc>(0)).name == "internal");
    CHECK(reply_for(static_cast<errc>(999)).code == "SYS/TEMP");
}

TEST_CASE("error codes are registered ones") {
    const std::set<std::string_view> known{"",         "AUTH",     "IN-USE",
                                           "SYS/TEMP", "SYS/PERM", "LOGIN-DELAY"};
    for (int value = 1; value <= static_cast<int>(errc::closing_too_many_commands); ++value) {
        CHECK(known.count(reply_for(static_cast<errc>(value)).code) == 1);
    }
    CHECK(reply_for(errc::maildrop_in_use).code == "IN-USE");
    CHECK(reply_for(errc::authentication_failed).code == "AUTH");
}

TEST_CASE("error codes convert to error_code") {
    const std::error_code code = errc::no_such_message;
    CHECK(code.category().name() == std::string("pop3"));
    CHECK(code.message() == "No such message");
}
