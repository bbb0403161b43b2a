// Schema of directory.db, one migration per version. Append new steps; never edit one
// that has shipped.
#pragma once

#include "storage/migrations.hpp"

#include <array>

namespace skrynka::storage {

inline constexpr std::array<migration, 3> directory_migrations{{
    {1, R"sql(
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- AUTOINCREMENT keeps ids from being reused, so a new account can never inherit a
-- deleted account's mailbox file name.
CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created    INTEGER NOT NULL,
    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
    state      INTEGER NOT NULL DEFAULT 0
);

-- Every address that delivers to an account: exactly one primary, any number of aliases.
-- One table makes an address unique across both kinds.
CREATE TABLE addresses (
    address    TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
    created    INTEGER NOT NULL
);
CREATE UNIQUE INDEX addresses_one_primary ON addresses(account_id) WHERE is_primary = 1;
CREATE INDEX addresses_by_account ON addresses(account_id);

-- Deleting this row crypto-shreds the account's mailbox database.
CREATE TABLE mailbox_keys (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    key        BLOB NOT NULL CHECK (length(key) = 32)
);

CREATE TABLE key_slots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind       INTEGER NOT NULL,
    label      TEXT NOT NULL,
    created    INTEGER NOT NULL,
    slot       BLOB NOT NULL,
    UNIQUE (account_id, label)
);
)sql"},
    {2, R"sql(
-- The audit log (see storage/audit_log.hpp). No CHECK constraints guard these rows,
-- because anyone who can write the file can drop them; verification finds a bad row.
CREATE TABLE audit_records (
    sequence INTEGER PRIMARY KEY,
    format   INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    actor    INTEGER NOT NULL,
    event    TEXT NOT NULL,
    subject  TEXT NOT NULL,
    remote   TEXT NOT NULL,
    outcome  INTEGER NOT NULL,
    detail   TEXT NOT NULL,
    hash     BLOB NOT NULL
);
CREATE INDEX audit_records_by_time ON audit_records(time);
CREATE INDEX audit_records_by_subject ON audit_records(subject);

CREATE TABLE audit_checkpoints (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    sequence  INTEGER NOT NULL,
    kind      INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    hash      BLOB NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX audit_checkpoints_by_sequence ON audit_checkpoints(sequence);

-- One row: the newest record, so that deleting records from the end is noticed.
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    hash     BLOB NOT NULL
);
)sql"},
    {3, R"sql(
-- Bearer tokens of the admin endpoint. Only a BLAKE2b-256 hash of each token is kept,
-- so a copy of this table does not let anyone call the endpoint.
CREATE TABLE admin_tokens (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    label   TEXT NOT NULL UNIQUE,
    hash    BLOB NOT NULL CHECK (length(hash) = 32),
    created INTEGER NOT NULL
);
)sql"},
}};

} // namespace skrynka::storage
