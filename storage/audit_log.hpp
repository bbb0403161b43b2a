// The tamper-evident audit log in directory.db: an append-only hash chain of audit
// records (see audit_record.hpp for a record's canonical encoding), pinned by signed
// checkpoints (see audit_checkpoint.hpp).
//
// Where it lives. Three tables that directory migration 2 adds to directory.db:
// audit_records (one row per record, keyed by sequence number, with its chain value),
// audit_checkpoints (signed checkpoints) and audit_head (one row: the sequence number,
// time and chain value of the newest record, updated in the transaction of every
// append). The audit signing key is an Ed25519 seed in the directory's meta table under
// "audit_signing_seed". It is created by the first audit_log::open on a directory, and
// like every row it is encrypted by the storage key that keys directory.db.
//
// Durability. append() commits its own transaction, and the connection runs with
// synchronous=FULL, so the record is on disk when append returns; call it before
// reporting the action as done. append(transaction&, ...) writes into a transaction the
// caller opened on the same database, so the record commits or rolls back together with
// the action it records.
//
// Checkpoints. append() writes a periodic checkpoint in the same transaction whenever
// checkpoint_every_records records have been added since the newest checkpoint.
// maybe_checkpoint(now) adds one when the oldest unsigned record is older than
// checkpoint_interval; a server calls it from a timer. checkpoint() signs the head at
// once, for a clean shutdown. A checkpoint is never written for an empty log or for a
// head that already has one.
//
// What verify() detects. It recomputes every chain value from the records and checks
// every checkpoint's signature and chain value, so it finds a record edited, deleted
// from the middle, or moved, and it names the first bad sequence number. It finds
// records deleted from the end when a checkpoint or the head row still names a later
// sequence. A record edited together with its own stored chain value shows as an edit of
// the next record, because the chain cannot tell which of the two changed.
//
// What it cannot detect on its own. Rows edited with SQL are caught unless the editor
// also recomputes the chain. But anyone who can write directory.db holds the storage
// key, so they can also read the audit signing seed, recompute the chain, re-sign the
// checkpoints and rewrite the head row. Such an operator can rewrite any part of the
// log, cut its tail, or put back an older copy of the file, and the result still
// verifies. The defense is a record kept away from the server: `audit head` prints the
// current head, someone writes it down elsewhere, and verify(expect_head) later proves
// that the chain still passes through that exact position. The signatures protect
// copies of the log and checkpoints shown to a party that has the public key but not
// the directory.
//
// Retention. prune(before) deletes the records older than before, writes a signed
// pruning checkpoint at the last deleted sequence with the chain value there, and then
// appends an audit.prune record. verify() starts from the newest pruning checkpoint, so
// the chain verifies from the cut on. Whatever was wrong with the pruned records is gone
// with them; prune does not verify them first.
//
// Errors: every call throws storage_error on a database failure (io_error, busy,
// disk_full, ...). append, checkpoint, maybe_checkpoint, head and prune throw
// storage_error(corrupt) when the head row is missing while records or checkpoints
// exist. verify() reports tampering, a missing head row included, in its result and
// throws only for database failures.
//
// Not thread-safe: use one audit_log from one thread at a time, as with the directory.
// Several processes may append to the same directory.db, because each append reads the
// head inside its write transaction. The database passed to open must outlive the log.
#pragma once

#include "crypto/signing.hpp"
#include "storage/audit_checkpoint.hpp"
#include "storage/audit_record.hpp"
#include "storage/audit_verify_report.hpp"
#include "storage/database.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::storage {

class transaction;

// Defaults for callers that have no config. The config's limits audit_checkpoint_interval,
// audit_checkpoint_seconds and audit_retention_days in policies/limits.hpp start from the
// same values; storage cannot include policies, so the CLI passes the configured ones in.
inline constexpr std::int64_t audit_default_checkpoint_every_records = 100;
inline constexpr std::chrono::seconds audit_default_checkpoint_interval{600};
inline constexpr std::int64_t audit_default_retention_days = 400;

struct audit_options {
    // A periodic checkpoint follows at most this many records (minimum 1).
    std::int64_t checkpoint_every_records = audit_default_checkpoint_every_records;
    // maybe_checkpoint signs once the oldest unsigned record is this old.
    std::chrono::seconds checkpoint_interval = audit_default_checkpoint_interval;
    // Returns the current time in milliseconds since the Unix epoch. Empty means the
    // system clock. Record times never decrease: a clock that steps back is clamped to
    // the previous record's time.
    std::function<std::int64_t()> clock;
};

// Selects records for query(). Empty fields match everything.
struct audit_filter {
    // Matches a subject equal to this account address or starting with "address/"
    // (one of its mailboxes). Compared byte for byte, so pass the canonical address.
    std::optional<std::string> subject;
    std::optional<audit_event> event;
    std::optional<std::int64_t> since; // inclusive, milliseconds since the Unix epoch
    std::optional<std::int64_t> until; // inclusive
    // Only records with a higher sequence number, for paging: the last one a page showed.
    std::optional<std::int64_t> after_sequence;
    // The maximum number of records returned, oldest first; 0 means no maximum.
    std::size_t limit = 0;
};

struct audit_prune_result {
    std::int64_t removed = 0;
    // The last removed sequence number and the chain value there; unchanged when
    // nothing was old enough.
    audit_position cut;
};

class audit_log {
  public:
    // Opens the log on directory.db, which directory::open has already migrated, and
    // loads the signing key, creating and storing it when this directory has none.
    // Throws storage_error(invalid_argument) when the schema lacks the audit tables
    // (version below 2) or options.checkpoint_every_records is below 1, and
    // storage_error(corrupt) when the stored seed has the wrong size.
    static audit_log open(database& db, audit_options options = {});

    audit_log(audit_log&&) noexcept = default;
    audit_log(const audit_log&) = delete;
    audit_log& operator=(const audit_log&) = delete;
    audit_log& operator=(audit_log&&) = delete;

    // Appends a record in a transaction of its own. The record is durable when this
    // returns. Returns the record's sequence number and chain value. Text fields are
    // sanitized (see sanitize_audit_text).
    audit_position append(const audit_entry& entry);

    // Appends inside tx, a transaction the caller opened on this log's database and
    // commits. Throws storage_error(internal) when no transaction is open.
    audit_position append(transaction& tx, const audit_entry& entry);

    // Signs the current head now, in a transaction of its own. Returns nullopt, writing
    // nothing, when the log is empty or the head already has a checkpoint.
    std::optional<audit_checkpoint>
    checkpoint(audit_checkpoint_kind kind = audit_checkpoint_kind::on_request);

    // Writes a periodic checkpoint when checkpoint_every_records records or records
    // older than checkpoint_interval (at now_ms) are unsigned. Returns it, or nullopt.
    std::optional<audit_checkpoint> maybe_checkpoint(std::int64_t now_ms);

    // Returns the matching records in sequence order.
    std::vector<audit_record> query(const audit_filter& filter);

    // Returns the checkpoints in sequence order.
    std::vector<audit_checkpoint> checkpoints();

    // Returns the head as stored: sequence 0 and a zero hash for an empty log. A pruned
    // log whose records are all gone keeps its last head.
    audit_position head();

    // Recomputes the chain and checks every checkpoint, and, with expect_head, that the
    // chain passes through that position. Reads one snapshot in a read transaction of
    // its own, so it must not be called while a transaction is open on the database
    // (storage_error otherwise). Never modifies the database.
    audit_verify_report verify(const std::optional<audit_position>& expect_head = std::nullopt);

    // Deletes every record whose time is before before_ms (milliseconds since the Unix
    // epoch), with the checkpoints they make obsolete, and writes a pruning checkpoint and
    // an audit.prune record, all in one transaction.
    audit_prune_result prune(std::int64_t before_ms);

    const crypto::signing_public_key& public_key() const noexcept { return key_.public_key; }

  private:
    audit_log(database& db, audit_options options, crypto::signing_key_pair key) noexcept;

    std::int64_t now_ms() const;
    audit_position append_locked(const audit_entry& entry);
    audit_checkpoint write_checkpoint(const audit_position& head, audit_checkpoint_kind kind,
                                      std::int64_t time);

    database* db_;
    audit_options options_;
    crypto::signing_key_pair key_;
};

} // namespace skrynka::storage
