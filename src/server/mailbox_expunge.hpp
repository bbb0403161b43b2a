// The deletion path for messages a user removes with POP3 QUIT.
// TODO: IMAP's store_access::expunge takes the same two steps in its own code. Both should
// call this function, which must move below skrynka_app (into storage) for IMAP to reach it.
#pragma once

#include "storage/mailbox_store.hpp"
#include "storage/mailbox_types.hpp"

#include <span>
#include <vector>

namespace skrynka::app::server {

// Deletes the messages with these UIDs with secure_delete on, then checkpoints and
// truncates the WAL so that no copy of their pages remains in it. Returns the deleted
// messages by ascending UID, for receipts. Runs on the store's executor (blocking).
// Throws storage_error as mailbox_store::expunge. When only the truncation fails (busy
// while a reader holds the WAL), the messages are deleted all the same, the failure is
// logged, and their old pages stay in the WAL until a later checkpoint.
// TODO: write deletion receipts here once the audit log can sign them.
std::vector<storage::expunged_message> expunge_securely(storage::mailbox_store& store,
                                                        storage::mailbox_id mailbox,
                                                        std::span<const storage::message_uid> uids);

} // namespace skrynka::app::server
