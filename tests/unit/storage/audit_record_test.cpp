#include "crypto/encoding.hpp"
#include "storage/audit_checkpoint.hpp"
#include "storage/audit_record.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace skrynka::storage;
using skrynka::crypto::hex_encode;

namespace {

std::string hex_of(std::string_view text) {
    return hex_encode({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
}

audit_record sample_record() {
    audit_record record;
    record.sequence = 258;
    record.time = 1767225600123;
    record.actor = static_cast<std::uint8_t>(audit_actor::admin);
    record.event = "account.create";
    record.subject = "bob@example.org";
    record.remote = "";
    record.outcome = static_cast<std::uint8_t>(audit_outcome::failure);
    record.detail = "a=1";
    return record;
}

} // namespace

TEST_CASE("audit record encoding matches the documented layout", "[storage][audit]") {
    // Appended piece by piece: GCC 12 reports a false -Wrestrict for a long chain of +.
    std::string expected;
    expected += "01";               // format
    expected += "0000000000000102"; // sequence 258
    expected += "0000019b76daa87b"; // time 1767225600123 ms
    expected += "03";               // actor admin
    expected += "0000000e" + hex_of("account.create");
    expected += "0000000f" + hex_of("bob@example.org");
    expected += "00000000"; // empty remote
    expected += "02";       // outcome failure
    expected += "00000003" + hex_of("a=1");
    REQUIRE(hex_encode(encode_audit_record(sample_record())) == expected);
}

TEST_CASE("audit record encoding separates adjacent fields", "[storage][audit]") {
    audit_record first = sample_record();
    audit_record second = sample_record();
    first.subject = std::string("ab");
    first.remote = std::string("c");
    second.subject = std::string("a");
    second.remote = std::string("bc");
    REQUIRE(encode_audit_record(first) != encode_audit_record(second));
}

TEST_CASE("audit chain value hashes previous then record", "[storage][audit]") {
    const audit_record record = sample_record();
    skrynka::crypto::digest previous{};
    previous[0] = 7;
    std::vector<unsigned char> input(previous.begin(), previous.end());
    const auto encoded = encode_audit_record(record);
    input.insert(input.end(), encoded.begin(), encoded.end());
    REQUIRE(chain_audit_record(previous, record) == skrynka::crypto::hash(input));
}

TEST_CASE("audit event names round-trip and are unique", "[storage][audit]") {
    std::set<std::string_view> names;
    for (audit_event event : all_audit_events()) {
        const std::string_view name = audit_event_name(event);
        INFO(name);
        REQUIRE(parse_audit_event(name) == event);
        REQUIRE(names.insert(name).second);
    }
    REQUIRE(names.size() == 21);
    REQUIRE_FALSE(parse_audit_event("login"));
    REQUIRE(parse_audit_actor("admin") == audit_actor::admin);
    REQUIRE_FALSE(parse_audit_actor("root"));
    REQUIRE(parse_audit_outcome("failure") == audit_outcome::failure);
}

TEST_CASE("audit text sanitizing escapes control bytes", "[storage][audit]") {
    REQUIRE(sanitize_audit_text("proto=imap size=12", 256) == "proto=imap size=12");
    REQUIRE(sanitize_audit_text("a\r\nSubject: x", 256) == "a\\x0d\\x0aSubject: x");
    REQUIRE(sanitize_audit_text("back\\slash", 256) == "back\\x5cslash");
    REQUIRE(sanitize_audit_text("\x1b[31m\x7f", 256) == "\\x1b[31m\\x7f");
    REQUIRE(sanitize_audit_text("J\xc3\xb6rg", 256) == "J\\xc3\\xb6rg");
    REQUIRE(sanitize_audit_text("", 256).empty());
}

TEST_CASE("audit text sanitizing bounds the size", "[storage][audit]") {
    REQUIRE(sanitize_audit_text("abcdef", 6) == "abcdef");
    REQUIRE(sanitize_audit_text("abcdefg", 6) == "abc...");

    // Every cut of a text full of escapes stays within the bound, ends in the ellipsis
    // and never splits an escape.
    const std::string body(1000, '\n');
    for (std::size_t max = 3; max < 40; ++max) {
        INFO(max);
        const std::string cut = sanitize_audit_text(body, max);
        REQUIRE(cut.size() <= max);
        REQUIRE(cut.size() >= 3);
        REQUIRE(cut.substr(cut.size() - 3) == "...");
        REQUIRE((cut.size() - 3) % 4 == 0);
    }
}

TEST_CASE("audit position formats and parses", "[storage][audit]") {
    audit_position position;
    position.sequence = 42;
    position.hash.fill(0xab);
    const std::string text = format_audit_position(position);
    std::string expected = "42:";
    for (int i = 0; i < 32; ++i) {
        expected += "ab";
    }
    REQUIRE(text == expected);
    REQUIRE(parse_audit_position(text) == position);

    for (const char* bad :
         {"", "42", ":abab", "0:", "-1:00", "x:00", "42:abab", "42:zz", "4 2:00"}) {
        INFO(bad);
        REQUIRE_FALSE(parse_audit_position(bad));
    }
    REQUIRE_FALSE(parse_audit_position("0:" + std::string(64, '0')));
    REQUIRE_FALSE(parse_audit_position("99999999999999999999:" + std::string(64, '0')));
    REQUIRE_FALSE(parse_audit_position("1:" + std::string(63, '0')));
}

TEST_CASE("checkpoint message covers kind, sequence, time and hash", "[storage][audit]") {
    audit_checkpoint base;
    base.sequence = 100;
    base.time = 5;
    base.kind = static_cast<std::uint8_t>(audit_checkpoint_kind::periodic);
    base.hash.fill(1);
    const auto message = audit_checkpoint_message(base);
    REQUIRE(message.size() == 26 + 1 + 8 + 8 + 32);

    auto changed = base;
    changed.kind = static_cast<std::uint8_t>(audit_checkpoint_kind::pruning);
    REQUIRE(audit_checkpoint_message(changed) != message);
    changed = base;
    changed.sequence = 101;
    REQUIRE(audit_checkpoint_message(changed) != message);
    changed = base;
    changed.time = 6;
    REQUIRE(audit_checkpoint_message(changed) != message);
    changed = base;
    changed.hash[31] = 2;
    REQUIRE(audit_checkpoint_message(changed) != message);
}
