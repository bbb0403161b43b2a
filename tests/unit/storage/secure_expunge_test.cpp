#include "crypto/absence_scan.hpp"
#include "crypto/fingerprint_set.hpp"
#include "crypto/sqlcipher_page_reader.hpp"
#include "storage/audit_log.hpp"
#include "storage/audit_writer.hpp"
#include "storage/deletion_recorder.hpp"
#include "storage/directory.hpp"
#include "storage/receipt_store.hpp"
#include "storage/secure_expunge.hpp"
#include "crypto/encoding.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace skrynka::storage;
using skrynka::crypto::secret_bytes;
using skrynka::storage::test::temp_dir;

namespace {

bytes random_bytes(std::size_t size) {
    const secret_bytes source = secret_bytes::random(size);
    return bytes(source.bytes().begin(), source.bytes().end());
}

// A message shaped like a real one: an 80-byte sealed key and chunks of a few KiB, so
// the chunks spill into overflow pages.
new_message realistic_message() {
    new_message message;
    message.internal_date = 1700000000;
    message.size = 9000;
    message.sealed_key = random_bytes(80);
    message.sealed_summary = random_bytes(300);
    message.chunks = {random_bytes(6000), random_bytes(6000), random_bytes(700)};
    return message;
}

struct fixture {
    temp_dir dir;
    secret_bytes storage_key = test::test_key();
    secret_bytes mailbox_key = secret_bytes::random(raw_key_size);
    std::filesystem::path directory_path = dir / "directory.db";
    std::filesystem::path mailbox_path = dir / "mailbox.db";
    directory dir_db = directory::open(directory_path, storage_key, open_mode::create_new);
    account_id account = 0;
    mailbox_store store = mailbox_store::open(mailbox_path, mailbox_key, open_mode::create_new);
    mailbox_id inbox = 0;
    std::unique_ptr<audit_writer> audit;

    fixture() {
        audit_log::open(dir_db.db()); // creates the signing key, as init does
        std::array<unsigned char, public_key_size> public_key{};
        const secret_bytes key_copy = secret_bytes::copy_of(mailbox_key.bytes());
        account = dir_db.create_account("alice@example.org", public_key, key_copy);
        inbox = store.create_mailbox("INBOX").id;
        audit = std::make_unique<audit_writer>(directory_path, storage_key);
    }

    expunge_request request() {
        expunge_request result;
        result.audit = audit.get();
        result.origin.account_id = account;
        result.origin.account = "alice@example.org";
        result.origin.protocol = audit_protocol::imap;
        result.origin.remote = "127.0.0.1";
        return result;
    }

    skrynka::crypto::absence_report scan(const stored_receipt& stored) {
        const auto probes = skrynka::crypto::decode_fingerprints(stored.fingerprints);
        REQUIRE(probes);
        auto reader = skrynka::crypto::sqlcipher_page_reader::open(mailbox_path, mailbox_key);
        return skrynka::crypto::scan_for_needles(reader, skrynka::crypto::fingerprint_set(*probes));
    }
};

} // namespace

TEST_CASE("secure expunge signs one receipt per message", "[storage][receipt]") {
    fixture f;
    const message_uid first = f.store.append(f.inbox, realistic_message());
    const message_uid second = f.store.append(f.inbox, realistic_message());
    const message_uid third = f.store.append(f.inbox, realistic_message());

    const std::vector<message_uid> wanted{first, third, 999};
    const auto removed = expunge_securely(f.store, f.inbox, wanted, f.request());
    REQUIRE(removed == std::vector<message_uid>{first, third});

    const auto receipts = list_receipts(f.dir_db.db(), "alice@example.org", std::nullopt);
    REQUIRE(receipts.size() == 2);
    audit_log log = audit_log::open(f.dir_db.db());
    const auto records = log.query({});
    for (const auto& receipt : receipts) {
        CHECK(skrynka::crypto::signature_valid(receipt));
        CHECK(receipt.public_key == log.public_key());
        CHECK(receipt.body.mailbox == "INBOX");
        CHECK(receipt.body.account_id == f.account);
        CHECK(receipt.body.chunk_count == 3);
        CHECK(receipt.body.ciphertext_size == 12700);
        const bool logged = std::any_of(records.begin(), records.end(), [&](const auto& record) {
            return record.sequence == receipt.body.audit_sequence &&
                   record.event == "message.expunge" &&
                   record.detail.find("uid=" + std::to_string(receipt.body.uid)) == 0;
        });
        CHECK(logged);
    }
    CHECK(receipts[0].body.uid == first);
    CHECK(receipts[1].body.uid == third);
    CHECK(f.store.list_messages(f.inbox).size() == 1);
    CHECK(f.store.list_messages(f.inbox)[0].uid == second);
}

TEST_CASE("secure expunge leaves no trace for the verifier", "[storage][receipt]") {
    fixture f;
    const message_uid uid = f.store.append(f.inbox, realistic_message());
    f.store.append(f.inbox, realistic_message());
    const std::vector<message_uid> wanted{uid};
    expunge_securely(f.store, f.inbox, wanted, f.request());

    const auto receipts = list_receipts(f.dir_db.db(), "alice@example.org", std::nullopt);
    REQUIRE(receipts.size() == 1);
    const auto stored =
        find_receipt(f.dir_db.db(), skrynka::crypto::hex_encode(receipts[0].body.id));
    REQUIRE(stored);
    CHECK(skrynka::crypto::hash(stored->fingerprints) == stored->receipt.body.fingerprints_digest);

    const auto report = f.scan(*stored);
    CHECK(report.pages_scanned > 3);
    CHECK_FALSE(report.any_needle_found());
    CHECK(report.proves_absence());
}

TEST_CASE("verifier finds rows deleted without secure_delete", "[storage][receipt]") {
    fixture f;
    const message_uid uid = f.store.append(f.inbox, realistic_message());
    f.store.append(f.inbox, realistic_message());

    f.store.db().execute("PRAGMA secure_delete = OFF");
    const std::vector<message_uid> wanted{uid};
    expunge_securely(f.store, f.inbox, wanted, f.request());

    const auto receipts = list_receipts(f.dir_db.db(), "alice@example.org", std::nullopt);
    REQUIRE(receipts.size() == 1);
    const auto stored =
        find_receipt(f.dir_db.db(), skrynka::crypto::hex_encode(receipts[0].body.id));
    REQUIRE(stored);
    const auto report = f.scan(*stored);
    REQUIRE(report.any_needle_found());
    CHECK_FALSE(report.proves_absence());
    // Every needle (the sealed key and each chunk) is found, on pages of the free list.
    bool on_free_list = false;
    for (const auto& findings : report.findings) {
        CHECK(findings.match_count > 0);
        for (const auto& location : findings.locations) {
            on_free_list = on_free_list || location.on_free_list;
        }
    }
    CHECK(on_free_list);
}

TEST_CASE("move records the source messages", "[storage][receipt]") {
    fixture f;
    const mailbox_id trash = f.store.create_mailbox("Trash").id;
    const message_uid uid = f.store.append(f.inbox, realistic_message());
    const std::vector<message_uid> wanted{uid};
    const auto moved = move_securely(f.store, f.inbox, wanted, trash, f.request());
    REQUIRE(moved.size() == 1);

    const auto receipts = list_receipts(f.dir_db.db(), "alice@example.org", std::nullopt);
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0].body.mailbox == "INBOX");
    CHECK(receipts[0].body.uid == uid);
    const auto stored =
        find_receipt(f.dir_db.db(), skrynka::crypto::hex_encode(receipts[0].body.id));
    REQUIRE(stored);
    // The copy in Trash contains the same bytes, so they are found.
    CHECK(f.scan(*stored).any_needle_found());
}

TEST_CASE("receipt listing filters by time", "[storage][receipt]") {
    fixture f;
    const message_uid uid = f.store.append(f.inbox, realistic_message());
    const std::vector<message_uid> wanted{uid};
    expunge_securely(f.store, f.inbox, wanted, f.request());
    const auto all = list_receipts(f.dir_db.db(), "alice@example.org", std::nullopt);
    REQUIRE(all.size() == 1);
    CHECK(list_receipts(f.dir_db.db(), "alice@example.org", all[0].body.time).size() == 1);
    CHECK(list_receipts(f.dir_db.db(), "alice@example.org", all[0].body.time + 1).empty());
    CHECK(list_receipts(f.dir_db.db(), "bob@example.org", std::nullopt).empty());
    CHECK_FALSE(find_receipt(f.dir_db.db(), std::string(32, '0')));
}
