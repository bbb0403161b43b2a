// Interfaces to storage and login for the IMAP engine, so that the engine runs over the
// encrypted mailbox store in the server and over memory in tests.
#pragma once

#include "crypto/secret.hpp"
#include "src/mime/summary.hpp"
#include "src/net/session_end.hpp"
#include "storage/audit_entries.hpp"
#include "storage/mailbox_types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::imap {

// One message as a selected mailbox lists it, without content.
struct message_entry {
    storage::message_uid uid = 0;
    std::int64_t modseq = 0;
    std::uint32_t flags = 0;
    std::vector<std::string> keywords; // sorted
    std::int64_t internal_date = 0;
    std::uint64_t size = 0;
};

// A message whose content key has been opened. Not thread-safe.
class message_content {
  public:
    virtual ~message_content() = default;
    virtual const mime::message_summary& summary() = 0;
    // Returns octets [offset, offset + length) clamped to the message size. Throws
    // storage::storage_error or crypto::crypto_error when the content cannot be read.
    virtual std::string read(std::uint64_t offset, std::uint64_t length) = 0;
};

// One logged-in account's mailboxes. Each call has the contract of the mailbox_store
// member of the same name and throws storage::storage_error as it does. Calls come from
// one session at a time.
class mail_access {
  public:
    virtual ~mail_access() = default;

    // The canonical address of the account, for log lines.
    virtual std::string account_name() const = 0;

    virtual std::vector<storage::mailbox_info> list_mailboxes() = 0;
    virtual std::optional<storage::mailbox_info> find_mailbox(std::string_view name) = 0;
    virtual storage::mailbox_info create_mailbox(std::string_view name) = 0;
    virtual void rename_mailbox(std::string_view old_name, std::string_view new_name) = 0;
    virtual void delete_mailbox(std::string_view name) = 0;
    virtual void set_subscribed(std::string_view name, bool subscribed) = 0;
    virtual storage::mailbox_status status(storage::mailbox_id mailbox) = 0;
    // Returns status() with only uidnext, uidvalidity and highestmodseq filled in, which
    // is what a session checks for changes before each reply. This default calls status().
    virtual storage::mailbox_status change_status(storage::mailbox_id mailbox) {
        return status(mailbox);
    }
    virtual std::vector<message_entry> list_messages(storage::mailbox_id mailbox) = 0;

    // Lists, by ascending UID, the messages whose modseq is above changed_since. This
    // default filters list_messages; a store with a modseq index does better.
    virtual std::vector<message_entry> list_messages_since(storage::mailbox_id mailbox,
                                                           std::int64_t changed_since) {
        std::vector<message_entry> changed;
        for (message_entry& entry : list_messages(mailbox)) {
            if (entry.modseq > changed_since) {
                changed.push_back(std::move(entry));
            }
        }
        return changed;
    }

    // Lists the UIDs of a mailbox in ascending order. This default uses list_messages.
    virtual std::vector<storage::message_uid> list_uids(storage::mailbox_id mailbox) {
        std::vector<storage::message_uid> uids;
        for (const message_entry& entry : list_messages(mailbox)) {
            uids.push_back(entry.uid);
        }
        return uids;
    }

    // Seals raw for the account and appends it. Returns the new UID.
    virtual storage::message_uid append(storage::mailbox_id mailbox, std::string_view raw,
                                        std::uint32_t flags,
                                        const std::vector<std::string>& keywords,
                                        std::int64_t internal_date) = 0;
    virtual std::vector<storage::flag_update>
    store_flags(storage::mailbox_id mailbox, std::span<const storage::message_uid> uids,
                storage::flag_change change, std::uint32_t flags,
                std::span<const std::string> keywords) = 0;
    virtual std::vector<storage::copied_uid> copy(storage::mailbox_id source,
                                                  std::span<const storage::message_uid> uids,
                                                  storage::mailbox_id destination) = 0;
    virtual std::vector<storage::copied_uid> move(storage::mailbox_id source,
                                                  std::span<const storage::message_uid> uids,
                                                  storage::mailbox_id destination) = 0;
    virtual void expunge(storage::mailbox_id mailbox,
                         std::span<const storage::message_uid> uids) = 0;

    // Opens a message's content. Returns nullptr when the message is gone.
    virtual std::unique_ptr<message_content> open(storage::mailbox_id mailbox,
                                                  storage::message_uid uid) = 0;
};

// Unlocks an account with a login name and a password, and records every login attempt.
// Called from several sessions' threads at once.
class login_service {
  public:
    virtual ~login_service() = default;
    // Returns nullptr when the name or password is wrong; both cost the same. Also
    // returns nullptr without trying when remote (the client's IP address) has failed too
    // often lately. Failures count against remote. Both outcomes are recorded in the audit
    // log before this returns. end is the session's connection: a server that can end
    // an account's sessions (when it wipes the account) registers it on success.
    virtual std::unique_ptr<mail_access> login(std::string_view name,
                                               const crypto::secret_bytes& password,
                                               std::string_view remote,
                                               const std::shared_ptr<net::session_end>& end) = 0;
    // Records a login the session rejected before any password was checked, such as one
    // in cleartext where TLS is required. name is empty when the client gave none yet.
    virtual void record_rejected_login(std::string_view name, std::string_view remote,
                                       storage::login_failure_reason reason) = 0;
};

} // namespace skrynka::imap
