#include "storage/audit_rows.hpp"

#include <algorithm>

namespace skrynka::storage {

namespace {

// Copies a blob column into a fixed-size array. Returns false, leaving out zeroed, when
// the sizes differ.
template <std::size_t Size>
bool read_fixed_blob(const statement& row, int column, std::array<unsigned char, Size>& out) {
    out.fill(0);
    if (row.column_size(column) != static_cast<std::int64_t>(Size)) {
        return false;
    }
    const auto bytes = row.column_blob(column);
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return true;
}

bool fits_byte(std::int64_t value) {
    return value >= 0 && value <= 255;
}

} // namespace

stored_head read_head(database& db) {
    statement row = db.prepare("SELECT sequence, time, hash FROM audit_head WHERE id = 1");
    stored_head head;
    if (!row.step()) {
        return head;
    }
    head.present = true;
    head.position.sequence = row.column_int64(0);
    head.time = row.column_int64(1);
    read_fixed_blob(row, 2, head.position.hash);
    return head;
}

void write_head(database& db, const audit_position& head, std::int64_t time) {
    db.prepare("INSERT INTO audit_head (id, sequence, time, hash) VALUES (1, ?1, ?2, ?3) "
               "ON CONFLICT (id) DO UPDATE SET sequence = ?1, time = ?2, hash = ?3")
        .bind(1, head.sequence)
        .bind(2, time)
        .bind_blob(3, head.hash)
        .run();
}

read_record_result read_record(const statement& row) {
    read_record_result result;
    audit_record& record = result.record;
    record.sequence = row.column_int64(0);
    // An out-of-range byte becomes 0, which no format, actor or outcome uses, so the
    // record cannot chain to its stored value.
    const std::int64_t format = row.column_int64(1);
    record.format = fits_byte(format) ? static_cast<std::uint8_t>(format) : 0;
    record.time = row.column_int64(2);
    const std::int64_t actor = row.column_int64(3);
    record.actor = fits_byte(actor) ? static_cast<std::uint8_t>(actor) : 0;
    record.event = row.column_text(4);
    record.subject = row.column_text(5);
    record.remote = row.column_text(6);
    const std::int64_t outcome = row.column_int64(7);
    record.outcome = fits_byte(outcome) ? static_cast<std::uint8_t>(outcome) : 0;
    record.detail = row.column_text(8);
    result.hash_well_formed = read_fixed_blob(row, 9, record.hash);
    return result;
}

void insert_record(database& db, const audit_record& record) {
    db.prepare("INSERT INTO audit_records (sequence, format, time, actor, event, subject, "
               "remote, outcome, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, record.sequence)
        .bind(2, record.format)
        .bind(3, record.time)
        .bind(4, record.actor)
        .bind_text(5, record.event)
        .bind_text(6, record.subject)
        .bind_text(7, record.remote)
        .bind(8, record.outcome)
        .bind_text(9, record.detail)
        .bind_blob(10, record.hash)
        .run();
}

std::optional<crypto::digest> record_hash(database& db, std::int64_t sequence) {
    statement row = db.prepare("SELECT hash FROM audit_records WHERE sequence = ?1");
    row.bind(1, sequence);
    crypto::digest hash{};
    if (!row.step() || !read_fixed_blob(row, 0, hash)) {
        return std::nullopt;
    }
    return hash;
}

std::optional<std::int64_t> record_time(database& db, std::int64_t sequence) {
    statement row = db.prepare("SELECT time FROM audit_records WHERE sequence = ?1");
    row.bind(1, sequence);
    if (!row.step()) {
        return std::nullopt;
    }
    return row.column_int64(0);
}

read_checkpoint_result read_checkpoint(const statement& row) {
    read_checkpoint_result result;
    audit_checkpoint& checkpoint = result.checkpoint;
    checkpoint.sequence = row.column_int64(0);
    checkpoint.time = row.column_int64(1);
    const std::int64_t kind = row.column_int64(2);
    checkpoint.kind = fits_byte(kind) ? static_cast<std::uint8_t>(kind) : 0;
    const bool hash_ok = read_fixed_blob(row, 3, checkpoint.hash);
    const bool signature_ok = read_fixed_blob(row, 4, checkpoint.signature);
    result.well_formed = fits_byte(kind) && hash_ok && signature_ok;
    return result;
}

void insert_checkpoint(database& db, const audit_checkpoint& checkpoint) {
    db.prepare("INSERT INTO audit_checkpoints (sequence, kind, time, hash, signature) "
               "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, checkpoint.sequence)
        .bind(2, checkpoint.kind)
        .bind(3, checkpoint.time)
        .bind_blob(4, checkpoint.hash)
        .bind_blob(5, checkpoint.signature)
        .run();
}

std::int64_t newest_checkpoint_sequence(database& db) {
    statement row = db.prepare("SELECT coalesce(max(sequence), 0) FROM audit_checkpoints");
    row.step();
    return row.column_int64(0);
}

} // namespace skrynka::storage
