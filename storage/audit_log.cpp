#include "storage/audit_log.hpp"

#include "storage/audit_rows.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/transaction.hpp"

#include <algorithm>
#include <sqlite3.h>
#include <string_view>
#include <utility>

namespace skrynka::storage {

namespace {

constexpr std::string_view seed_meta_name = "audit_signing_seed";
constexpr int audit_schema_version = 2;

// Reads the head row for a write or for `audit head`. An empty log has no head row, but
// a log with records or checkpoints always has one: its absence means the row was
// deleted, and appending would restart the chain at sequence 1 over existing records.
stored_head read_existing_head(database& db) {
    stored_head head = read_head(db);
    if (head.present) {
        return head;
    }
    statement rows = db.prepare("SELECT EXISTS (SELECT 1 FROM audit_records) OR "
                                "EXISTS (SELECT 1 FROM audit_checkpoints)");
    if (rows.step() && rows.column_int64(0) != 0) {
        throw_error(errc::corrupt, db.path(),
                    "the audit head row is missing although audit records exist, so the log "
                    "cannot be extended; run `skrynka audit verify` for details");
    }
    return head;
}

crypto::signing_key_pair load_or_create_key(database& db) {
    statement read = db.prepare("SELECT value FROM meta WHERE name = ?1");
    read.bind_text(1, seed_meta_name);
    if (read.step()) {
        if (read.column_size(0) != static_cast<std::int64_t>(crypto::signing_seed_size)) {
            throw_error(errc::corrupt, db.path(), "the audit signing seed has the wrong size");
        }
        return crypto::signing_key_pair_from_seed(read.column_secret(0));
    }

    // INSERT OR IGNORE and a second read: another process may create the seed between
    // the read above and this transaction, and then its seed must win.
    crypto::signing_key_pair fresh = crypto::generate_signing_key_pair();
    const crypto::secret_bytes seed = crypto::signing_seed(fresh.secret_key);
    transaction tx(db);
    db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES (?1, ?2)")
        .bind_text(1, seed_meta_name)
        .bind_blob(2, seed.bytes())
        .run();
    tx.commit();

    statement again = db.prepare("SELECT value FROM meta WHERE name = ?1");
    again.bind_text(1, seed_meta_name);
    if (!again.step()) {
        throw_error(errc::internal, db.path(), "the audit signing seed vanished after writing it");
    }
    return crypto::signing_key_pair_from_seed(again.column_secret(0));
}

std::int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

audit_log::audit_log(database& db, audit_options options, crypto::signing_key_pair key) noexcept
    : db_(&db), options_(std::move(options)), key_(std::move(key)) {}

audit_log audit_log::open(database& db, audit_options options) {
    if (schema_version(db) < audit_schema_version) {
        throw_error(errc::invalid_argument, db.path(),
                    "the database has no audit tables; open it with directory::open first");
    }
    if (options.checkpoint_every_records < 1) {
        throw_error(errc::invalid_argument, db.path(),
                    "checkpoint_every_records must be at least 1");
    }
    crypto::signing_key_pair key = load_or_create_key(db);
    return audit_log(db, std::move(options), std::move(key));
}

std::int64_t audit_log::now_ms() const {
    return options_.clock ? options_.clock() : system_now_ms();
}

audit_position audit_log::append(const audit_entry& entry) {
    transaction tx(*db_);
    const audit_position position = append_locked(entry);
    tx.commit();
    return position;
}

audit_position audit_log::append(transaction& tx, const audit_entry& entry) {
    static_cast<void>(tx); // the parameter documents the duty; the check is below
    if (sqlite3_get_autocommit(db_->native_handle()) != 0) {
        throw_error(errc::internal, db_->path(), "audit append needs an open transaction");
    }
    return append_locked(entry);
}

// Runs inside a write transaction, so the head read here cannot change before the
// insert: BEGIN IMMEDIATE holds the write lock against other processes.
audit_position audit_log::append_locked(const audit_entry& entry) {
    const stored_head previous = read_existing_head(*db_);

    audit_record record;
    record.sequence = previous.position.sequence + 1;
    record.time = std::max(now_ms(), previous.time);
    record.actor = static_cast<std::uint8_t>(entry.actor);
    record.event = std::string(audit_event_name(entry.event));
    record.subject = sanitize_audit_text(entry.subject, audit_subject_max_size);
    record.remote = sanitize_audit_text(entry.remote, audit_remote_max_size);
    record.outcome = static_cast<std::uint8_t>(entry.outcome);
    record.detail = sanitize_audit_text(entry.detail, audit_detail_max_size);
    record.hash = chain_audit_record(previous.position.hash, record);

    insert_record(*db_, record);
    const audit_position head{record.sequence, record.hash};
    write_head(*db_, head, record.time);

    const std::int64_t signed_through = newest_checkpoint_sequence(*db_);
    if (head.sequence - signed_through >= options_.checkpoint_every_records) {
        write_checkpoint(head, audit_checkpoint_kind::periodic, record.time);
    }
    return head;
}

audit_checkpoint audit_log::write_checkpoint(const audit_position& head, audit_checkpoint_kind kind,
                                             std::int64_t time) {
    audit_checkpoint checkpoint;
    checkpoint.sequence = head.sequence;
    checkpoint.time = time;
    checkpoint.kind = static_cast<std::uint8_t>(kind);
    checkpoint.hash = head.hash;
    checkpoint.signature = crypto::sign(key_.secret_key, audit_checkpoint_message(checkpoint));
    insert_checkpoint(*db_, checkpoint);
    return checkpoint;
}

std::optional<audit_checkpoint> audit_log::checkpoint(audit_checkpoint_kind kind) {
    transaction tx(*db_);
    const stored_head head = read_existing_head(*db_);
    if (head.position.sequence == 0 || newest_checkpoint_sequence(*db_) >= head.position.sequence) {
        return std::nullopt;
    }
    const std::int64_t time = std::max(now_ms(), head.time);
    audit_checkpoint written = write_checkpoint(head.position, kind, time);
    tx.commit();
    return written;
}

std::optional<audit_checkpoint> audit_log::maybe_checkpoint(std::int64_t now) {
    transaction tx(*db_);
    const stored_head head = read_existing_head(*db_);
    const std::int64_t signed_through = newest_checkpoint_sequence(*db_);
    if (head.position.sequence <= signed_through) {
        return std::nullopt;
    }

    const bool enough_records =
        head.position.sequence - signed_through >= options_.checkpoint_every_records;
    const auto oldest_unsigned = record_time(*db_, signed_through + 1);
    const auto interval_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.checkpoint_interval).count();
    // A missing oldest record (pruned or deleted) counts as old: sign what is there.
    const bool old_enough = !oldest_unsigned || now - *oldest_unsigned >= interval_ms;
    if (!enough_records && !old_enough) {
        return std::nullopt;
    }

    audit_checkpoint written =
        write_checkpoint(head.position, audit_checkpoint_kind::periodic, std::max(now, head.time));
    tx.commit();
    return written;
}

std::vector<audit_record> audit_log::query(const audit_filter& filter) {
    std::string sql = std::string(select_records_sql) + " WHERE 1";
    if (filter.subject) {
        // substr rather than LIKE, because '%' and '_' are legal in addresses.
        sql += " AND (subject = ?1 OR substr(subject, 1, length(?1) + 1) = ?1 || '/')";
    }
    if (filter.event) {
        sql += " AND event = ?2";
    }
    if (filter.since) {
        sql += " AND time >= ?3";
    }
    if (filter.until) {
        sql += " AND time <= ?4";
    }
    if (filter.after_sequence) {
        sql += " AND sequence > ?6";
    }
    sql += " ORDER BY sequence";
    if (filter.limit > 0) {
        sql += " LIMIT ?5";
    }

    statement rows = db_->prepare(sql);
    if (filter.subject) {
        rows.bind_text(1, *filter.subject);
    }
    if (filter.event) {
        rows.bind_text(2, audit_event_name(*filter.event));
    }
    if (filter.since) {
        rows.bind(3, *filter.since);
    }
    if (filter.until) {
        rows.bind(4, *filter.until);
    }
    if (filter.after_sequence) {
        rows.bind(6, *filter.after_sequence);
    }
    if (filter.limit > 0) {
        rows.bind(5, static_cast<std::int64_t>(filter.limit));
    }

    std::vector<audit_record> records;
    while (rows.step()) {
        records.push_back(read_record(rows).record);
    }
    return records;
}

std::vector<audit_checkpoint> audit_log::checkpoints() {
    statement rows = db_->prepare(select_checkpoints_sql);
    std::vector<audit_checkpoint> result;
    while (rows.step()) {
        result.push_back(read_checkpoint(rows).checkpoint);
    }
    return result;
}

audit_position audit_log::head() {
    return read_existing_head(*db_).position;
}

audit_prune_result audit_log::prune(std::int64_t before_ms) {
    transaction tx(*db_);

    statement last_old = db_->prepare("SELECT max(sequence) FROM audit_records WHERE time < ?1");
    last_old.bind(1, before_ms);
    if (!last_old.step() || last_old.column_is_null(0)) {
        return {};
    }
    const std::int64_t cut_sequence = last_old.column_int64(0);
    const auto cut_hash = record_hash(*db_, cut_sequence);
    if (!cut_hash) {
        throw_error(errc::corrupt, db_->path(), "the audit record at the retention cut is damaged");
    }
    const audit_position cut{cut_sequence, *cut_hash};

    statement remove = db_->prepare("DELETE FROM audit_records WHERE sequence <= ?1");
    remove.bind(1, cut.sequence);
    remove.run();
    const std::int64_t removed = db_->changes();
    db_->prepare("DELETE FROM audit_checkpoints WHERE sequence <= ?1").bind(1, cut.sequence).run();

    const std::int64_t time = std::max(now_ms(), read_existing_head(*db_).time);
    write_checkpoint(cut, audit_checkpoint_kind::pruning, time);

    audit_entry entry;
    entry.actor = audit_actor::system;
    entry.event = audit_event::audit_prune;
    entry.detail = "before=" + std::to_string(before_ms) +
                   " through=" + std::to_string(cut.sequence) +
                   " removed=" + std::to_string(removed);
    append_locked(entry);

    tx.commit();
    return {removed, cut};
}

} // namespace skrynka::storage
