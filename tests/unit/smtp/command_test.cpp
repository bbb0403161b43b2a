#include "src/smtp/command.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::smtp;

TEST_CASE("command verb matches without case", "[smtp][command]") {
    CHECK(split_command("ehlo x").name == verb::ehlo);
    CHECK(split_command("StartTLS").name == verb::starttls);
    CHECK(split_command("QUIT").argument.empty());
    CHECK(split_command("MAIL FROM:<>").argument == "FROM:<>");
    CHECK(split_command("MAILX FROM:<>").name == verb::unknown);
    CHECK(split_command("").name == verb::unknown);
    CHECK(split_command("EHLO client.example.net  ").argument == "client.example.net");
    CHECK(split_command("QUIT ").name == verb::quit);
}

TEST_CASE("MAIL arguments with parameters", "[smtp][command]") {
    const path_arguments result =
        parse_mail_arguments("FROM:<bob@example.net> SIZE=100 body=8bitmime SMTPUTF8");
    REQUIRE(result.error == argument_error::none);
    CHECK(result.address.address->text() == "bob@example.net");
    REQUIRE(result.parameters.size() == 3);
    CHECK(result.parameters[0].keyword == "SIZE");
    CHECK(result.parameters[0].value == "100");
    CHECK(result.parameters[1].keyword == "BODY");
    CHECK(result.parameters[1].value == "8bitmime");
    CHECK(result.parameters[2].keyword == "SMTPUTF8");
    CHECK_FALSE(result.parameters[2].value.has_value());
}

TEST_CASE("MAIL arguments tolerate a space after the colon", "[smtp][command]") {
    const path_arguments result = parse_mail_arguments("from: <>");
    REQUIRE(result.error == argument_error::none);
    CHECK_FALSE(result.address.address.has_value());
}

TEST_CASE("MAIL arguments reject bad syntax", "[smtp][command]") {
    CHECK(parse_mail_arguments("TO:<a@b.c>").error == argument_error::syntax);
    CHECK(parse_mail_arguments("FROM:a@b.c").error == argument_error::path_syntax);
    CHECK(parse_mail_arguments("FROM:<a@b.c>SIZE=1").error == argument_error::parameter_syntax);
    CHECK(parse_mail_arguments("FROM:<a@b.c> SIZE=").error == argument_error::parameter_syntax);
    CHECK(parse_mail_arguments("FROM:<a@b.c> SIZE=1 SIZE=2").error ==
          argument_error::parameter_syntax);
    CHECK(parse_mail_arguments("FROM:<a@b.c> -X=1").error == argument_error::parameter_syntax);
}

TEST_CASE("RCPT arguments accept Postmaster", "[smtp][command]") {
    const path_arguments result = parse_rcpt_arguments("TO:<Postmaster>");
    REQUIRE(result.error == argument_error::none);
    CHECK(result.address.address->text() == "Postmaster");
    CHECK(parse_rcpt_arguments("TO:<>").error == argument_error::path_syntax);
}

TEST_CASE("BDAT arguments", "[smtp][command]") {
    const bdat_arguments plain = parse_bdat_arguments("100");
    CHECK(plain.valid);
    CHECK(plain.size == 100);
    CHECK_FALSE(plain.last);
    const bdat_arguments last = parse_bdat_arguments("0 last");
    CHECK(last.valid);
    CHECK(last.last);
    CHECK_FALSE(parse_bdat_arguments("").valid);
    CHECK_FALSE(parse_bdat_arguments("-1").valid);
    CHECK_FALSE(parse_bdat_arguments("10 FIRST").valid);
    CHECK_FALSE(parse_bdat_arguments("99999999999999999999").valid);
    CHECK(parse_bdat_arguments("18446744073709551615").valid);
}

TEST_CASE("decimal parser bounds", "[smtp][command]") {
    CHECK(parse_decimal("0") == 0u);
    CHECK(parse_decimal("52428800") == 52428800u);
    CHECK_FALSE(parse_decimal(""));
    CHECK_FALSE(parse_decimal("1e3"));
    CHECK_FALSE(parse_decimal("18446744073709551616"));
}

TEST_CASE("AUTH argument syntax", "[smtp][command]") {
    CHECK(is_valid_auth_argument("PLAIN"));
    CHECK(is_valid_auth_argument("PLAIN AGFsaWNlAHNlY3JldA=="));
    CHECK(is_valid_auth_argument("SCRAM-SHA-256"));
    CHECK_FALSE(is_valid_auth_argument(""));
    CHECK_FALSE(is_valid_auth_argument("PL@IN"));
    CHECK_FALSE(is_valid_auth_argument("AAAAAAAAAAAAAAAAAAAAA"));
}
