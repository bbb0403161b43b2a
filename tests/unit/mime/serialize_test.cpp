// Binary summary format: round trips, every truncation, single byte flips and garbage.
#include "src/mime/serialize.hpp"
#include "src/mime/summarize.hpp"
#include "tests/unit/mime/mime_test_support.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka::mime;
using skrynka::mime::test::read_fixture;

namespace {

// A summary that exercises every field of the format.
message_summary rich_summary() {
    const std::string raw =
        "From: \"A\" <a@x.org>, Team: b@y.org;\r\nSender: s@x.org\r\n"
        "Reply-To: <@r1:r@x.org>\r\nTo: t@x.org\r\nCc: c@x.org\r\nBcc: d@x.org\r\n"
        "Subject: =?utf-8?q?S=C3=BC?=\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
        "In-Reply-To: <p@x>\r\nMessage-ID: <m@x>\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n"
        "Content-ID: <i@x>\r\nContent-Description: d\r\nContent-MD5: md5\r\n"
        "Content-Disposition: inline; filename*=utf-8''%C3%A4.txt\r\n"
        "Content-Language: en, de\r\nContent-Location: loc\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nbody\r\n"
        "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: i@x.org\r\n\r\nx\r\n"
        "--b--\r\n";
    return summarize(raw);
}

std::vector<std::vector<unsigned char>> sample_encodings() {
    std::vector<std::vector<unsigned char>> encodings;
    encodings.push_back(serialize(rich_summary()));
    encodings.push_back(serialize(summarize(read_fixture("nested.eml"))));
    encodings.push_back(serialize(summarize("")));
    return encodings;
}

} // namespace

TEST_CASE("serialize round trip is exact", "[mime][serialize]") {
    const message_summary original = rich_summary();
    REQUIRE(original.body_.children_.size() == 2);
    REQUIRE(original.envelope_.from_.size() == 4);

    const std::vector<unsigned char> bytes = serialize(original);
    const std::optional<message_summary> decoded = deserialize(bytes);

    REQUIRE(decoded.has_value());
    CHECK(*decoded == original);
    CHECK(serialize(*decoded) == bytes);
}

TEST_CASE("serialize round trip keeps fixtures", "[mime][serialize]") {
    const char* names[] = {"nested.eml", "quote.eml", "search.eml",
                           "dots.eml",   "nul.eml",   "mbox.eml"};
    for (const char* name : names) {
        INFO(name);
        const message_summary original = summarize(read_fixture(name));
        const std::optional<message_summary> decoded = deserialize(serialize(original));
        REQUIRE(decoded.has_value());
        CHECK(*decoded == original);
    }
}

TEST_CASE("serialize starts with magic and version", "[mime][serialize]") {
    const std::vector<unsigned char> bytes = serialize(summarize(""));

    REQUIRE(bytes.size() > 6);
    CHECK(std::string(bytes.begin(), bytes.begin() + 4) == "SKMS");
    CHECK(bytes[4] == summary_format_version);
    CHECK(bytes[5] == 0);
}

TEST_CASE("every truncation is rejected", "[mime][serialize]") {
    for (const std::vector<unsigned char>& bytes : sample_encodings()) {
        for (std::size_t length = 0; length < bytes.size(); ++length) {
            INFO("length " << length << " of " << bytes.size());
            CHECK_FALSE(deserialize(std::span(bytes.data(), length)).has_value());
        }
    }
}

TEST_CASE("trailing bytes are rejected", "[mime][serialize]") {
    std::vector<unsigned char> bytes = serialize(rich_summary());
    bytes.push_back(0);

    CHECK_FALSE(deserialize(bytes).has_value());
}

TEST_CASE("single byte flips never crash", "[mime][serialize]") {
    for (const std::vector<unsigned char>& original : sample_encodings()) {
        for (std::size_t i = 0; i < original.size(); ++i) {
            for (const unsigned char mask : {0x01, 0x80, 0xFF}) {
                std::vector<unsigned char> bytes = original;
                bytes[i] ^= mask;
                const std::optional<message_summary> decoded = deserialize(bytes);
                // A flip inside string contents can still decode; then it must re-encode
                // to exactly the flipped bytes.
                if (decoded) {
                    CHECK(serialize(*decoded) == bytes);
                }
            }
        }
    }
}

TEST_CASE("wrong magic version and flags are rejected", "[mime][serialize]") {
    const std::vector<unsigned char> good = serialize(summarize("Subject: x\r\n\r\n"));
    REQUIRE(deserialize(good).has_value());

    std::vector<unsigned char> bad_magic = good;
    bad_magic[0] = 'X';
    CHECK_FALSE(deserialize(bad_magic).has_value());

    std::vector<unsigned char> bad_version = good;
    bad_version[4] = 2;
    CHECK_FALSE(deserialize(bad_version).has_value());

    std::vector<unsigned char> bad_flags = good;
    bad_flags[5] = 0x02;
    CHECK_FALSE(deserialize(bad_flags).has_value());

    std::vector<unsigned char> truncated_flag = good;
    truncated_flag[5] = 0x01;
    const auto decoded = deserialize(truncated_flag);
    REQUIRE(decoded.has_value());
    CHECK(decoded->truncated_);
}

TEST_CASE("huge counts are rejected without allocating", "[mime][serialize]") {
    // Magic, version, flags, size 0, header size 0, lines 0, then a header field count
    // of 2^63 written as a ten-octet varint.
    std::vector<unsigned char> bytes = {'S', 'K', 'M', 'S', 1, 0, 0, 0, 0};
    for (int i = 0; i < 9; ++i) {
        bytes.push_back(0xFF);
    }
    bytes.push_back(0x01);
    CHECK_FALSE(deserialize(bytes).has_value());

    // An eleven-octet varint and a redundant zero group are both invalid.
    std::vector<unsigned char> long_varint = {'S', 'K', 'M', 'S', 1, 0};
    for (int i = 0; i < 11; ++i) {
        long_varint.push_back(0x80);
    }
    CHECK_FALSE(deserialize(long_varint).has_value());
    const std::vector<unsigned char> redundant = {'S', 'K', 'M', 'S', 1, 0, 0x80, 0x00};
    CHECK_FALSE(deserialize(redundant).has_value());
}

TEST_CASE("deep serialized nesting is rejected", "[mime][serialize]") {
    // Build a valid summary by hand nested one level deeper than the format allows.
    message_summary summary;
    summary.size_ = 0;
    body_part* part = &summary.body_;
    for (std::size_t level = 0; level <= format_max_depth; ++level) {
        part->type_ = "multipart";
        part->subtype_ = "mixed";
        part = &part->children_.emplace_back();
    }
    CHECK_FALSE(deserialize(serialize(summary)).has_value());
}

TEST_CASE("ranges outside the message are rejected", "[mime][serialize]") {
    message_summary summary = summarize("Subject: x\r\n\r\nbody");
    summary.body_.body_length_ += 1;

    CHECK_FALSE(deserialize(serialize(summary)).has_value());
}

TEST_CASE("impossible structures are rejected", "[mime][serialize]") {
    message_summary leaf_with_child = summarize("Subject: x\r\n\r\n");
    leaf_with_child.body_.children_.emplace_back();
    CHECK_FALSE(deserialize(serialize(leaf_with_child)).has_value());

    message_summary empty_multipart = summarize("Subject: x\r\n\r\n");
    empty_multipart.body_.type_ = "multipart";
    CHECK_FALSE(deserialize(serialize(empty_multipart)).has_value());

    message_summary message_without_envelope = summarize("Subject: x\r\n\r\n");
    message_without_envelope.body_.type_ = "message";
    message_without_envelope.body_.subtype_ = "rfc822";
    message_without_envelope.body_.children_.emplace_back();
    CHECK_FALSE(deserialize(serialize(message_without_envelope)).has_value());
}

TEST_CASE("random garbage is rejected", "[mime][serialize]") {
    std::uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::vector<unsigned char> bytes = {'S', 'K', 'M', 'S', 1, 0};
        const int length = round % 200;
        for (int i = 0; i < length; ++i) {
            state = state * 1103515245 + 12345;
            bytes.push_back(static_cast<unsigned char>(state >> 16));
        }
        const auto decoded = deserialize(bytes);
        if (decoded) {
            CHECK(serialize(*decoded) == bytes);
        }
    }
}
