#include "crypto/receipt.hpp"

#include "crypto/secret.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace skrynka::crypto;

namespace {

receipt deletion_receipt() {
    receipt body;
    body.kind = receipt_kind::deletion;
    body.id = new_receipt_id();
    body.time = 1796000000123;
    body.audit_sequence = 42;
    body.account = "alice@example.org";
    body.account_id = 7;
    body.mailbox = "INBOX";
    body.uidvalidity = 1700000000;
    body.uid = 9;
    body.sealed_key_digest = hash(std::string_view("sealed key"));
    body.ciphertext_digest = hash(std::string_view("ciphertext"));
    body.ciphertext_size = 12345;
    body.chunk_count = 2;
    body.fingerprints_digest = hash(std::string_view("fingerprints"));
    return body;
}

receipt wipe_receipt() {
    receipt body;
    body.kind = receipt_kind::wipe;
    body.id = new_receipt_id();
    body.time = 1796000000999;
    body.audit_sequence = 43;
    body.account = "bob@example.org";
    body.account_id = 8;
    body.key_slot_count = 3;
    body.mailbox_key_digest = hash(std::string_view("mailbox key"));
    body.fingerprints_digest = hash(std::string_view("fingerprints"));
    return body;
}

} // namespace

TEST_CASE("receipt signature verifies", "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    CHECK(signature_valid(sign_receipt(key, deletion_receipt())));
    CHECK(signature_valid(sign_receipt(key, wipe_receipt())));
}

TEST_CASE("receipt signature fails after any byte of the encoding changes",
          "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    const signed_receipt original = sign_receipt(key, deletion_receipt());
    const auto encoding = encode_receipt(original.body);
    for (std::size_t i = 0; i < encoding.size(); ++i) {
        auto flipped = encoding;
        flipped[i] ^= 0x01;
        INFO("byte " << i);
        CHECK_FALSE(verify(original.public_key, flipped, original.signature_bytes));
    }
}

TEST_CASE("receipt field edits break the signature", "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    signed_receipt receipt = sign_receipt(key, deletion_receipt());
    receipt.body.uid += 1;
    CHECK_FALSE(signature_valid(receipt));

    receipt = sign_receipt(key, deletion_receipt());
    receipt.body.mailbox = "Trash";
    CHECK_FALSE(signature_valid(receipt));

    receipt = sign_receipt(key, wipe_receipt());
    receipt.public_key = generate_signing_key_pair().public_key;
    CHECK_FALSE(signature_valid(receipt));
}

TEST_CASE("receipt encodings of both kinds differ", "[crypto][receipt]") {
    receipt deletion = deletion_receipt();
    receipt wipe = deletion;
    wipe.kind = receipt_kind::wipe;
    CHECK(encode_receipt(deletion) != encode_receipt(wipe));
}

TEST_CASE("receipt JSON round-trips both kinds", "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    for (const receipt& body : {deletion_receipt(), wipe_receipt()}) {
        const signed_receipt original = sign_receipt(key, body);
        const std::string text = receipt_to_json(original);
        const auto parsed = receipt_from_json(text);
        REQUIRE(parsed);
        CHECK(*parsed == original);
        CHECK(signature_valid(*parsed));
    }
}

TEST_CASE("receipt JSON shows time and key id", "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    const std::string text = receipt_to_json(sign_receipt(key, deletion_receipt()));
    CHECK(text.find("\"time\":\"2026-11-30T00:53:20.123Z\"") != std::string::npos);
    CHECK(text.find("\"public_key_id\":\"" + public_key_id(key.public_key) + "\"") !=
          std::string::npos);
    CHECK(public_key_id(key.public_key).size() == 16);
}

TEST_CASE("receipt JSON rejects edits that are not signed", "[crypto][receipt]") {
    initialize();
    const signing_key_pair key = generate_signing_key_pair();
    const std::string text = receipt_to_json(sign_receipt(key, deletion_receipt()));

    const auto replaced = [&](const std::string& from, const std::string& to) {
        std::string copy = text;
        const auto at = copy.find(from);
        REQUIRE(at != std::string::npos);
        copy.replace(at, from.size(), to);
        return copy;
    };

    CHECK_FALSE(receipt_from_json(replaced("\"time\":\"2026", "\"time\":\"2025")));
    CHECK_FALSE(receipt_from_json(replaced("\"public_key_id\":\"", "\"public_key_id\":\"0")));
    CHECK_FALSE(receipt_from_json(replaced("{", "{\"note\":\"extra\",")));
    CHECK_FALSE(receipt_from_json(replaced("\"kind\":\"deletion\"", "\"kind\":\"other\"")));
    CHECK_FALSE(receipt_from_json(replaced("\"uid\":9", "\"uid\":-9")));
    CHECK_FALSE(receipt_from_json(replaced("\"format\":1", "\"format\":2")));
    CHECK_FALSE(receipt_from_json("not json"));
    CHECK_FALSE(receipt_from_json("[]"));

    const auto edited = receipt_from_json(replaced("\"uid\":9", "\"uid\":10"));
    REQUIRE(edited);
    CHECK_FALSE(signature_valid(*edited));
}
