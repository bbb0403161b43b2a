// The one deletion path for messages a user removes: IMAP EXPUNGE, UID EXPUNGE, CLOSE,
// the source of MOVE, DELETE of a mailbox, and POP3 QUIT after DELE.
#pragma once

#include "storage/deletion_recorder.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/mailbox_types.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace skrynka::storage {

// The account and session that delete, for the audit records and receipts. origin.mailbox and
// origin.uidvalidity are filled in from the store. A null audit writes no records and
// no receipts, for tests of a protocol engine alone.
struct expunge_request {
    audit_writer* audit = nullptr;
    expunge_origin origin;
};

// Deletes the messages with these UIDs with secure_delete on, checkpoints and truncates
// the WAL so that no copy of their pages remains in it, then writes one audit record
// and one signed receipt per deleted message through request.audit (record_expunges). Returns the
// deleted UIDs, ascending, once all of that is durable. Runs on the store's executor
// (blocking).
//
// Throws storage_error as mailbox_store::expunge, and what record_expunges throws. In
// the second case the messages are already gone but have no receipt, and the failure is
// logged. When only the WAL truncation fails (busy past the timeout while a reader keeps
// the WAL in use), the failure is logged, the receipts are written all the same, and the old
// pages stay in the WAL until a later checkpoint: `verify deletion` then reports them
// found.
std::vector<message_uid> expunge_securely(mailbox_store& store, mailbox_id mailbox,
                                          std::span<const message_uid> uids,
                                          const expunge_request& request);

// MOVE: copies the messages to destination and deletes the originals in one
// transaction, then truncates the WAL and records the originals as expunge_securely does.
// Their receipts name the source mailbox; the copies live on, so `verify deletion`
// finds their bytes. Throws as mailbox_store::move and record_expunges.
std::vector<copied_uid> move_securely(mailbox_store& store, mailbox_id source,
                                      std::span<const message_uid> uids, mailbox_id destination,
                                      const expunge_request& request);

// DELETE of a mailbox: deletes it with its messages and records them as above.
void delete_mailbox_securely(mailbox_store& store, std::string_view name,
                             const expunge_request& request);

} // namespace skrynka::storage
