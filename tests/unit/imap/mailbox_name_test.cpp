#include "src/imap/mailbox_name.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::imap;

TEST_CASE("mailbox name keeps ampersand as &-", "[imap][mailbox_name]") {
    CHECK(encode_mailbox_name("Tom & Jerry") == "Tom &- Jerry");
    CHECK(decode_mailbox_name("Tom &- Jerry") == "Tom & Jerry");
    CHECK(decode_mailbox_name("A&-B") == "A&B");
}

TEST_CASE("mailbox name round-trips non-ASCII", "[imap][mailbox_name]") {
    CHECK(encode_mailbox_name("Entwürfe") == "Entw&APw-rfe");
    CHECK(decode_mailbox_name("Entw&APw-rfe") == "Entwürfe");
    CHECK(encode_mailbox_name("台北") == "&U,BTFw-");
    CHECK(decode_mailbox_name("&U,BTFw-") == "台北");
    CHECK(encode_mailbox_name("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    // U+1F600 needs a surrogate pair in UTF-16.
    const std::string emoji = "\xF0\x9F\x98\x80";
    CHECK(decode_mailbox_name(encode_mailbox_name(emoji)) == emoji);
    CHECK(encode_mailbox_name(emoji) == "&2D3eAA-");
}

TEST_CASE("mailbox name rejects non-canonical forms", "[imap][mailbox_name]") {
    CHECK_FALSE(decode_mailbox_name("&Jjo!"));              // no closing '-'
    CHECK_FALSE(decode_mailbox_name("&U,BTFw-&ZeVnLIqe-")); // two shifts in a row
    CHECK_FALSE(decode_mailbox_name("A&AGE-"));             // printable 'a' encoded
    CHECK_FALSE(decode_mailbox_name("&APw"));               // unterminated
    CHECK_FALSE(decode_mailbox_name("&APx-"));              // non-zero padding bits
    CHECK_FALSE(decode_mailbox_name("&2D0-"));              // lone high surrogate
    CHECK_FALSE(decode_mailbox_name("&AP-"));               // too few bits for a unit
    CHECK_FALSE(decode_mailbox_name("Entw\xC3\xBCrfe"));    // raw 8-bit
    CHECK_FALSE(decode_mailbox_name("a\tb"));               // control character
    CHECK(decode_mailbox_name("&U,BTFw-x&ZeVnLIqe-") == "台北x日本語");
}
