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
    // Covers the per-message state that an IMAP session lists at SELECT and after each
    // change, so listing never reads the table rows with their sealed blobs.
    {2, R"sql(
CREATE INDEX messages_state ON messages(mailbox_id, uid, modseq, flags, internal_date, size);
)sql"},
}};

} // namespace skrynka::storage
