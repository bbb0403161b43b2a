// RFC 2047 decoding and charset conversion.
#include "src/mime/charset.hpp"
#include "src/mime/encoded_word.hpp"

#include <catch2/catch.hpp>
#include <string>

using skrynka::mime::append_as_utf8;
using skrynka::mime::append_valid_utf8;
using skrynka::mime::decode_encoded_words;

TEST_CASE("encoded word in each charset decodes", "[mime][rfc2047]") {
    struct example {
        const char* encoded;
        const char* utf8;
    };
    // The same letters in each charset: a-umlaut, s with caron, euro sign, Cyrillic.
    const example examples[] = {
        {"=?UTF-8?B?w6Q=?=", "\xC3\xA4"},
        {"=?utf-8?q?=C3=A4?=", "\xC3\xA4"},
        {"=?ISO-8859-1?Q?=E4?=", "\xC3\xA4"},
        {"=?iso-8859-2?Q?=B9?=", "\xC5\xA1"},
        {"=?ISO-8859-15?Q?=A4?=", "\xE2\x82\xAC"},
        {"=?windows-1252?Q?=80?=", "\xE2\x82\xAC"},
        {"=?windows-1251?B?z/Do4uXy?=", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"},
        {"=?KOI8-R?B?8NLJ18XU?=", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"},
        {"=?koi8-u?Q?=A4?=", "\xD1\x94"},
        {"=?us-ascii?Q?plain_text?=", "plain text"},
    };
    for (const example& entry : examples) {
        INFO(entry.encoded);
        CHECK(decode_encoded_words(entry.encoded) == entry.utf8);
    }
}

TEST_CASE("adjacent encoded words join without space", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?UTF-8?Q?a?= =?UTF-8?Q?b?=") == "ab");
    CHECK(decode_encoded_words("=?UTF-8?Q?a?=\r\n\t=?ISO-8859-1?Q?=E4?=") == "a\xC3\xA4");
    CHECK(decode_encoded_words("=?UTF-8?Q?a?= x =?UTF-8?Q?b?=") == "a x b");
    CHECK(decode_encoded_words("x =?UTF-8?Q?a?= y") == "x a y");
}

TEST_CASE("character split across words survives", "[mime][rfc2047]") {
    // U+00E4 is C3 A4 in UTF-8; the sender cut it between two words.
    CHECK(decode_encoded_words("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A4?=") == "\xC3\xA4");
}

TEST_CASE("unknown charset keeps the encoded word", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?x-unknown-charset?Q?abc?=") == "=?x-unknown-charset?Q?abc?=");
    CHECK(decode_encoded_words("=?utf-8//TRANSLIT?Q?abc?=") == "=?utf-8//TRANSLIT?Q?abc?=");
}

TEST_CASE("broken encoded words are kept as text", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?utf-8?x?abc?=") == "=?utf-8?x?abc?=");
    CHECK(decode_encoded_words("=?utf-8?q?no end") == "=?utf-8?q?no end");
    CHECK(decode_encoded_words("=?utf-8?q?a b?=") == "=?utf-8?q?a b?=");
    CHECK(decode_encoded_words("=??q?a?=") == "=??q?a?=");
    CHECK(decode_encoded_words("=?") == "=?");
    CHECK(decode_encoded_words("") == "");
}

TEST_CASE("language suffix is ignored", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?utf-8*en?Q?hi?=") == "hi");
}

TEST_CASE("Q encoding keeps stray equals signs", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?utf-8?Q?a=ZZb=4?=") == "a=ZZb=4");
}

TEST_CASE("invalid bytes become replacement characters", "[mime][rfc2047]") {
    CHECK(decode_encoded_words("=?utf-8?Q?=FF?=") == "\xEF\xBF\xBD");
    CHECK(decode_encoded_words("raw \xE9") == "raw \xEF\xBF\xBD");
}

TEST_CASE("many unterminated words decode in linear time", "[mime][rfc2047]") {
    std::string text;
    for (int i = 0; i < 20000; ++i) {
        text += "=?a?q?x";
    }
    CHECK(decode_encoded_words(text) == text);
}

TEST_CASE("valid UTF-8 passes and invalid is replaced", "[mime][charset]") {
    std::string out;
    append_valid_utf8("ok \xF0\x9F\x98\x80", out);
    CHECK(out == "ok \xF0\x9F\x98\x80");

    const char* invalid[] = {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80"};
    for (const char* bytes : invalid) {
        INFO(bytes);
        std::string replaced;
        append_valid_utf8(bytes, replaced);
        CHECK(replaced.find("\xEF\xBF\xBD") == 0);
    }
}

TEST_CASE("unknown charset leaves output unchanged", "[mime][charset]") {
    std::string out = "keep";
    CHECK_FALSE(append_as_utf8("no-such-charset-x", "abc", out));
    CHECK_FALSE(append_as_utf8("", "abc", out));
    CHECK_FALSE(append_as_utf8("utf-8 with spaces", "abc", out));
    CHECK(out == "keep");
}

TEST_CASE("undefined byte in charset is replaced", "[mime][charset]") {
    // 0x98 is undefined in windows-1251.
    std::string out;
    CHECK(append_as_utf8("windows-1251",
                         "a\x98"
                         "b",
                         out));
    CHECK(out == "a\xEF\xBF\xBD"
                 "b");
}
