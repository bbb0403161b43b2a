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

std::vector<crypto::signed_receipt> record_expunges(audit_writer& audit,
                                                    const expunge_origin& origin,
                                                    std::span<const expunged_message> messages) {
    if (messages.empty()) {
        return {};
    }
    return audit.run_and_wait([&origin, messages](audit_log& log) {
        std::vector<crypto::signed_receipt> receipts;
        transaction tx(log.db());
        for (const expunged_message& message : messages) {
            const audit_position position = log.append(
                tx, expunged_message_entry(origin.account, origin.mailbox, origin.uidvalidity,
                                           message.uid, origin.protocol, origin.remote));
            const std::vector<unsigned char> fingerprints =
                crypto::encode_fingerprints(message.evidence.probes);
            crypto::signed_receipt receipt = crypto::sign_receipt(
                log.signing_key(),
                deletion_receipt(origin, message, position.sequence, fingerprints));
            insert_receipt(log.db(), receipt, fingerprints);
            receipts.push_back(std::move(receipt));
        }
        tx.commit();
        return receipts;
    });
}

} // namespace skrynka::storage
