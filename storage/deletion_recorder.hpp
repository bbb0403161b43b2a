// Records expunged messages durably: per message one message.expunge audit record and
// one deletion receipt signed with the audit key, all in one directory.db transaction
// on the audit writer's connection.
#pragma once

#include "crypto/receipt.hpp"
#include "storage/audit_entries.hpp"
#include "storage/audit_writer.hpp"
#include "storage/mailbox_types.hpp"

#include <span>
#include <string>
#include <vector>

namespace skrynka::storage {

// The origin of expunged messages: account, mailbox, protocol and client address.
struct expunge_origin {
    std::int64_t account_id = 0;
    std::string account; // canonical address
    std::string mailbox;
    std::uint32_t uidvalidity = 0;
    audit_protocol protocol = audit_protocol::imap;
    std::string remote; // the client's IP address, or empty
};

// Writes the audit records and receipts of messages, which the mailbox store has already
// deleted, on audit's executor, and blocks until they are durable. Returns the receipts
// in the order of messages. Throws storage_error, and then nothing of this call is
// stored. Must not run on the audit writer's own thread (std::logic_error there).
std::vector<crypto::signed_receipt> record_expunges(audit_writer& audit,
                                                    const expunge_origin& origin,
                                                    std::span<const expunged_message> messages);

} // namespace skrynka::storage
