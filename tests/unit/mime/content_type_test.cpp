// Content-Type and Content-Disposition parameters, including RFC 2231.
#include "src/mime/content_type.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::mime;

TEST_CASE("content type with comments and quotes", "[mime][content-type]") {
    const auto parsed =
        parse_content_type(" (c) Text / Plain (c) ; charset = \"utf-8\" (comment); format=flowed");

    REQUIRE(parsed.has_value());
    CHECK(parsed->type_ == "text");
    CHECK(parsed->subtype_ == "plain");
    REQUIRE(parsed->parameters_.size() == 2);
    CHECK(parsed->parameters_[0] == parameter{"charset", "utf-8"});
    CHECK(parsed->parameters_[1] == parameter{"format", "flowed"});
}

TEST_CASE("content type without subtype is invalid", "[mime][content-type]") {
    CHECK_FALSE(parse_content_type("text").has_value());
    CHECK_FALSE(parse_content_type("text/").has_value());
    CHECK_FALSE(parse_content_type("/plain").has_value());
    CHECK_FALSE(parse_content_type("").has_value());
    CHECK_FALSE(parse_content_type("t\xE9xt/plain").has_value());
}

TEST_CASE("RFC 2231 continuations are joined in order", "[mime][rfc2231]") {
    const auto parameters = parse_parameters(
        "; filename*1=\"second \"; filename*0=\"first \"; filename*2=third; size=10");

    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0] == parameter{"filename", "first second third"});
    CHECK(parameters[1] == parameter{"size", "10"});
}

TEST_CASE("RFC 2231 extended value is decoded to UTF-8", "[mime][rfc2231]") {
    const auto parameters =
        parse_parameters("; filename*=iso-8859-1'de'Gesch%E4ftsbericht%20Q1.pdf");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0].value_ == "Gesch\xC3\xA4"
                                  "ftsbericht Q1.pdf");
}

TEST_CASE("RFC 2231 mixed sections decode with the first charset", "[mime][rfc2231]") {
    const auto parameters =
        parse_parameters("; name*0*=UTF-8''%D0%9F%D1%80; name*1*=%D0%B8%D0%B2; name*2=\"et.txt\"");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0].value_ == "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2"
                                  "et.txt");
}

TEST_CASE("RFC 2231 form wins over the plain form", "[mime][rfc2231]") {
    const auto parameters =
        parse_parameters("; filename=\"fallback.txt\"; filename*=utf-8''real%20name.txt");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0].value_ == "real name.txt");
}

TEST_CASE("RFC 2231 unknown charset keeps octets", "[mime][rfc2231]") {
    const auto parameters = parse_parameters("; a*=x-unknown''%41%FF; b*=''%41%ZZ");

    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0].value_ == "A\xFF");
    CHECK(parameters[1].value_ == "A%ZZ");
}

TEST_CASE("RFC 2231 duplicate sections keep the first", "[mime][rfc2231]") {
    const auto parameters = parse_parameters("; n*0=a; n*0=b; n*1=c");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0].value_ == "ac");
}

TEST_CASE("unusual star names stay as written", "[mime][rfc2231]") {
    const auto parameters = parse_parameters("; n**=a; m*x=b; k*12345=c");

    REQUIRE(parameters.size() == 3);
    CHECK(parameters[0].name_ == "n**");
    CHECK(parameters[1].name_ == "m*x");
    CHECK(parameters[2].name_ == "k*12345");
}

TEST_CASE("repeated parameter keeps the first value", "[mime][content-type]") {
    const auto parameters = parse_parameters("; Boundary=one; boundary=two");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0] == parameter{"boundary", "one"});
}

TEST_CASE("unquoted value with spaces runs to the semicolon", "[mime][content-type]") {
    const auto parameters = parse_parameters("; name=my file.pdf ; x=\"a\\\"b\"");

    REQUIRE(parameters.size() == 2);
    CHECK(parameters[0].value_ == "my file.pdf");
    CHECK(parameters[1].value_ == "a\"b");
}

TEST_CASE("junk between parameters is skipped", "[mime][content-type]") {
    const auto parameters = parse_parameters(" junk ; =novalue; noequals; ok=1; \"q\"=2;;");

    REQUIRE(parameters.size() == 1);
    CHECK(parameters[0] == parameter{"ok", "1"});
}

TEST_CASE("content disposition with parameters", "[mime][content-type]") {
    const content_disposition disposition =
        parse_content_disposition("Attachment; filename=\"a.txt\"; size=5");

    CHECK(disposition.type_ == "attachment");
    REQUIRE(disposition.parameters_.size() == 2);
    CHECK(disposition.parameters_[0] == parameter{"filename", "a.txt"});
}
