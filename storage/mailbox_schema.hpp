// Schema of a mailbox database (mailboxes/<account id>.db), one migration per version.
// Append new steps; never edit one that has shipped.
#pragma once

#include "storage/migrations.hpp"

#include <array>

namespace skrynka::storage {

inline constexpr std::array<migration, 2> mailbox_migrations{{
    {1, R"sql(
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    uidvalidity   INTEGER NOT NULL,
    uidnext       INTEGER NOT NULL,
    highestmodseq INTEGER NOT NULL,
    special_use   TEXT,
    subscribed    INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL
);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    mailbox_id     INTEGER NOT NULL REFERENCES mailboxes(id),
    uid            INTEGER NOT NULL,
    modseq         INTEGER NOT NULL,
    flags          INTEGER NOT NULL,
    internal_date  INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    message_id     BLOB NOT NULL CHECK (length(message_id) = 16),
    sealed_key     BLOB NOT NULL,
    sealed_summary BLOB NOT NULL,
    chunk_count    INTEGER NOT NULL,
    UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_by_modseq ON messages(mailbox_id, modseq);

CREATE TABLE keywords (
    message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    keyword  TEXT NOT NULL,
    PRIMARY KEY (message, keyword)
) WITHOUT ROWID;

CREATE TABLE chunks (
    message  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (message, idx)
);
)sql"},
    // One row per message that `skrynka import` stored, keyed by a digest of the source
    // mailbox, the message bytes and the occurrence of those bytes in the source, so a
    // repeated or resumed import skips what an earlier run already committed.
    // NOTE: the digests are metadata under the storage key, so whoever holds that key and
    // an exact copy of a message can confirm that the message was imported.
    {2, R"sql(
CREATE TABLE imported_messages (
    digest     BLOB PRIMARY KEY CHECK (length(digest) = 32),
    mailbox_id INTEGER NOT NULL,
    uid        INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
}};

} // namespace skrynka::storage
