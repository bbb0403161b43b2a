#include "storage/receipt_store.hpp"

#include "crypto/encoding.hpp"
#include "storage/error.hpp"

#include <cstdint>

namespace skrynka::storage {
namespace {

crypto::signed_receipt parse_stored(database& db, const std::string& text) {
    std::optional<crypto::signed_receipt> parsed = crypto::receipt_from_json(text);
    if (!parsed) {
        throw_error(errc::corrupt, db.path(), "a stored receipt does not parse");
    }
    return std::move(*parsed);
}

} // namespace

void insert_receipt(database& db, const crypto::signed_receipt& receipt,
                    std::span<const unsigned char> fingerprints) {
    const crypto::receipt& body = receipt.body;
    statement insert = db.prepare(
        "INSERT INTO receipts (id, kind, account, account_id, time, audit_sequence, receipt, "
        "fingerprints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert.bind_text(1, crypto::hex_encode(body.id))
        .bind_text(2, crypto::receipt_kind_name(body.kind))
        .bind_text(3, body.account)
        .bind(4, body.account_id)
        .bind(5, body.time)
        .bind(6, body.audit_sequence)
        .bind_text(7, crypto::receipt_to_json(receipt))
        .bind_blob(8, fingerprints);
    insert.run();
}

std::vector<crypto::signed_receipt> list_receipts(database& db, std::string_view account,
                                                  std::optional<std::int64_t> since_ms) {
    statement query = db.prepare("SELECT receipt FROM receipts WHERE account = ?1 AND time >= ?2 "
                                 "ORDER BY time, audit_sequence, id");
    query.bind_text(1, account).bind(2, since_ms.value_or(INT64_MIN));
    std::vector<crypto::signed_receipt> receipts;
    while (query.step()) {
        receipts.push_back(parse_stored(db, query.column_text(0)));
    }
    return receipts;
}

std::optional<stored_receipt> find_receipt(database& db, std::string_view id_hex) {
    statement query = db.prepare("SELECT receipt, fingerprints FROM receipts WHERE id = ?1");
    query.bind_text(1, id_hex);
    if (!query.step()) {
        return std::nullopt;
    }
    stored_receipt found{parse_stored(db, query.column_text(0)), query.column_blob(1)};
    if (crypto::hex_encode(found.receipt.body.id) != id_hex) {
        throw_error(errc::corrupt, db.path(), "a stored receipt has another id than its row");
    }
    return found;
}

} // namespace skrynka::storage
