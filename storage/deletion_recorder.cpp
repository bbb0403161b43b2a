#include "storage/deletion_recorder.hpp"

#include "crypto/fingerprint_set.hpp"
#include "storage/receipt_store.hpp"
#include "storage/transaction.hpp"

#include <chrono>

namespace skrynka::storage {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

crypto::receipt deletion_receipt(const expunge_origin& origin, const expunged_message& message,
                                 std::int64_t audit_sequence,
                                 std::span<const unsigned char> fingerprints) {
    crypto::receipt body;
    body.kind = crypto::receipt_kind::deletion;
    body.id = crypto::new_receipt_id();
    body.time = now_ms();
    body.audit_sequence = audit_sequence;
    body.account = origin.account;
    body.account_id = origin.account_id;
    body.mailbox = origin.mailbox;
    body.uidvalidity = origin.uidvalidity;
    body.uid = message.uid;
    body.sealed_key_digest = message.evidence.sealed_key_digest;
    body.ciphertext_digest = message.evidence.ciphertext_digest;
    body.ciphertext_size = message.evidence.ciphertext_size;
    body.chunk_count = message.evidence.chunk_count;
    body.fingerprints_digest = crypto::hash(fingerprints);
    return body;
}

} // namespace

std::shared_ptr<deletion_recorder>
deletion_recorder::open(const std::filesystem::path& directory_database,
                        const crypto::secret_bytes& storage_key) {
    return std::make_shared<deletion_recorder>(
        database::open(directory_database, storage_key, open_mode::open_existing));
}

deletion_recorder::deletion_recorder(database db)
    : db_(std::move(db)), log_(audit_log::open(db_)) {}

std::vector<crypto::signed_receipt>
deletion_recorder::record(const expunge_origin& origin, std::span<const expunged_message> messages) {
    std::vector<crypto::signed_receipt> receipts;
    if (messages.empty()) {
        return receipts;
    }

    std::lock_guard lock(mutex_);
    transaction tx(db_);
    for (const expunged_message& message : messages) {
        const audit_position position = log_.append(
            tx, expunged_message_entry(origin.account, origin.mailbox, origin.uidvalidity,
                                       message.uid, origin.protocol, origin.remote));
        const std::vector<unsigned char> fingerprints =
            crypto::encode_fingerprints(message.evidence.probes);
        crypto::signed_receipt receipt = crypto::sign_receipt(
            log_.signing_key(), deletion_receipt(origin, message, position.sequence, fingerprints));
        insert_receipt(db_, receipt, fingerprints);
        receipts.push_back(std::move(receipt));
    }
    tx.commit();
    return receipts;
}

} // namespace skrynka::storage
