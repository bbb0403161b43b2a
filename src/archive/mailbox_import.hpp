// Delivering the messages of an import source into one account's mailbox database,
// sealed to the account's public key (no secret needed), exactly once per message even
// when an interrupted import runs again.
#pragma once

#include "crypto/user_keys.hpp"
#include "src/archive/import_source.hpp"
#include "storage/mailbox_store.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace skrynka::archive {

struct import_counts {
    std::uint64_t imported = 0;
    std::uint64_t already_imported = 0; // found in the store's import records
    std::uint64_t skipped = 0;          // over the size limit
    std::uint64_t mailboxes_created = 0;
};

// Called after each message with the source's progress.
using import_progress = std::function<void(const import_source&, const import_counts&)>;

// Returns the 32-byte import digest of a message: BLAKE2b over a version label, the
// mailbox the source names, the message bytes and how many identical messages for the
// same mailbox came earlier in this source. So two identical messages in one source are
// both imported, and a second run skips both.
std::vector<unsigned char> import_digest(std::string_view mailbox, std::string_view bytes,
                                         std::uint64_t occurrence);

// Imports every message of source, after creating each mailbox the source lists. A
// missing mailbox is created, without its parents, and subscribed. A name the store rejects sends its
// messages to INBOX, with a line in warnings. Keywords
// the store would reject are dropped, with a line in warnings. Messages commit in
// batches of up to 100 (mailbox_store::append_once_many), each batch atomic with its
// digests. So killing the process loses at most the batch being written, and a new run
// skips what is already there. Messages over
// the size limit are skipped and named in warnings. Throws storage_error and what
// source throws for an unreadable source.
import_counts import_messages(storage::mailbox_store& store, const crypto::user_public_key& owner,
                              import_source& source, const import_progress& progress,
                              std::vector<std::string>& warnings);

} // namespace skrynka::archive
