// Writing every message of every mailbox of one account, decrypted, to an export sink
// as mboxrd files or a Maildir++ tree. The message bytes are exactly the stored bytes;
// mbox adds only its separator, quoting and flag headers.
#pragma once

#include "crypto/user_keys.hpp"
#include "src/archive/export_sink.hpp"
#include "storage/mailbox_store.hpp"

#include <cstdint>
#include <string>

namespace skrynka::archive {

enum class export_format { mbox, maildir };

struct export_counts {
    std::uint64_t mailboxes = 0;
    std::uint64_t messages = 0;
    // Messages expunged by a running server between listing and reading them.
    std::uint64_t vanished = 0;
    // Keywords that did not fit in a Maildir folder's 26 letters.
    std::uint64_t dropped_keywords = 0;
};

// Returns the mbox file of a mailbox: levels joined by '/', ".mbox" appended, with '%'
// and a leading '.' of each level percent-encoded ("Archive/2024" gives
// "Archive/2024.mbox", ".hidden" gives "%2Ehidden.mbox").
std::string mbox_file_path(std::string_view mailbox);

// Returns the mailbox of an mbox file path relative to the export root (the inverse of
// mbox_file_path), or nothing when path does not end in ".mbox" or has a bad escape.
std::optional<std::string> mailbox_of_mbox_path(std::string_view path);

// Exports every mailbox in name order. Reads each message separately, without a long
// read transaction, so a running server can keep expunging and checkpointing. A
// message that disappears in between is counted as vanished. Throws crypto_error when
// a stored message does not open with keys (tampering, or keys of another account),
// storage_error and what sink throws. Does not call sink.finish().
export_counts export_mailboxes(storage::mailbox_store& store, const crypto::user_key_pair& keys,
                               export_format format, export_sink& sink);

} // namespace skrynka::archive
