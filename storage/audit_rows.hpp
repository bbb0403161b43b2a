// Internal to the storage module: reading and writing the rows of the audit tables that
// directory migration 2 creates. Callers hold a transaction where they need one. Every
// function throws storage_error on a database failure.
#pragma once

#include "storage/audit_checkpoint.hpp"
#include "storage/audit_record.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace skrynka::storage {

// The audit_head row. An absent row reads as sequence 0, a zero hash and time 0, and
// present is false.
struct stored_head {
    audit_position position;
    std::int64_t time = 0;
    bool present = false;
};

stored_head read_head(database& db);
void write_head(database& db, const audit_position& head, std::int64_t time);

inline constexpr std::string_view select_records_sql =
    "SELECT sequence, format, time, actor, event, subject, remote, outcome, detail, hash "
    "FROM audit_records";

// A record read from a row of select_records_sql. hash_well_formed is false when the
// stored hash is not 32 bytes; record.hash is then zero.
struct read_record_result {
    audit_record record;
    bool hash_well_formed = true;
};
read_record_result read_record(const statement& row);

void insert_record(database& db, const audit_record& record);

// Returns the stored chain value of a record, or nullopt when the record is absent or
// its hash is not 32 bytes.
std::optional<crypto::digest> record_hash(database& db, std::int64_t sequence);
// Returns the time of a record, or nullopt when it is absent.
std::optional<std::int64_t> record_time(database& db, std::int64_t sequence);

inline constexpr std::string_view select_checkpoints_sql =
    "SELECT sequence, time, kind, hash, signature FROM audit_checkpoints "
    "ORDER BY sequence, id";

// A checkpoint read from a row of select_checkpoints_sql. well_formed is false when the
// hash or signature has the wrong size, or the kind is not a byte.
struct read_checkpoint_result {
    audit_checkpoint checkpoint;
    bool well_formed = true;
};
read_checkpoint_result read_checkpoint(const statement& row);

void insert_checkpoint(database& db, const audit_checkpoint& checkpoint);

// Returns the highest sequence any checkpoint covers, or 0 when there is none.
std::int64_t newest_checkpoint_sequence(database& db);

} // namespace skrynka::storage
