// Open mailbox databases of the accounts that receive mail, one storage executor each,
// with group commit: messages that arrive for one account while a commit is running are
// appended together in the next transaction, and their message.deliver audit records are
// written together in one audit transaction right after it.
#pragma once

#include "crypto/secret.hpp"
#include "crypto/user_keys.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "storage/executor.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/mailbox_types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::app::server {

// The mailbox a delivery goes to: INBOX for received mail, the Sent mailbox (special use
// \Sent, RFC 6154) for the copy of a submitted message.
enum class delivery_target { inbox, sent };

// One account's mailbox database behind its own executor. Thread-safe.
class account_mailbox {
  public:
    // `pool` and `audit` must outlive the object. address is the account's primary
    // address, the subject of its delivery records.
    account_mailbox(boost::asio::thread_pool& pool, storage::audit_writer& audit,
                    storage::account_id account, std::string address,
                    std::filesystem::path database_path, crypto::secret_bytes database_key,
                    const crypto::user_public_key& public_key);

    storage::account_id account() const noexcept { return account_; }
    const std::string& address() const noexcept { return address_; }
    // The key that delivery seals content keys to.
    const crypto::user_public_key& public_key() const noexcept { return public_key_; }

    // Appends `message` to INBOX, then `record` to the audit log, and returns the UID once
    // both are durable (synchronous=FULL). Messages queued while another commit runs
    // share the next transaction, and their records share the audit transaction after
    // it. When the mailbox transaction fails, each message is retried in a transaction of
    // its own, so one bad message fails only itself. Throws storage_error when the
    // database cannot be opened, has no INBOX, or the append fails, and then the message
    // is not stored at all. Also throws storage_error when the audit append fails after
    // the message committed.
    // NOTE: in that last case the message stays in INBOX without its record, and the
    // sender, told to retry, may deliver it twice. Neither loses mail.
    boost::asio::awaitable<storage::message_uid> append_to_inbox(storage::new_message message,
                                                                 storage::audit_entry record);

    // Runs seal() on the blocking pool, then appends its result to INBOX like
    // append_to_inbox(). The sealed message goes from the pool thread straight to the
    // commit, without a stop on the awaiting coroutine's thread. Rethrows what seal()
    // throws, with nothing stored. seal and what it refers to must stay alive until the
    // co_await completes.
    // `target` sent appends to the mailbox with special use \Sent, else to the one named
    // "Sent", and creates "Sent" with that special use when neither exists.
    boost::asio::awaitable<storage::message_uid>
    seal_and_append(const std::function<storage::new_message()>& seal, storage::audit_entry record,
                    delivery_target target = delivery_target::inbox);

  private:
    struct append_slot {
        storage::new_message message;
        storage::audit_entry record;
        delivery_target target = delivery_target::inbox;
        storage::message_uid uid = 0;
        std::exception_ptr error;
    };

    // Runs on the executor: takes every queued slot and commits them in one transaction.
    void commit_queued();
    void open_if_needed();
    storage::mailbox_id mailbox_of(delivery_target target);
    // Records the slots whose message committed, in one audit transaction. Blocks the
    // executor's thread until the records are durable, so that no slot completes before.
    void record_committed(const std::vector<append_slot*>& committed);

    boost::asio::thread_pool& pool_;
    storage::audit_writer& audit_;
    storage::account_id account_;
    std::string address_;
    std::filesystem::path database_path_;
    crypto::secret_bytes database_key_;
    crypto::user_public_key public_key_;
    storage::executor executor_;

    // Used only on executor_.
    std::optional<storage::mailbox_store> store_;
    storage::mailbox_id inbox_ = 0;
    storage::mailbox_id sent_ = 0; // 0 until a Sent copy needs it

    std::mutex queue_mutex_;
    std::vector<append_slot*> queue_; // slots live in the frames of waiting coroutines
};

// The account_mailbox of every account that received mail since start. Thread-safe.
// A wipe drops the account's entry with forget().
class account_mailboxes {
  public:
    // `directory` is used only through `directory_executor`. Everything passed in must
    // outlive this object.
    account_mailboxes(boost::asio::thread_pool& pool, storage::executor& directory_executor,
                      storage::directory& directory, storage::audit_writer& audit,
                      std::filesystem::path state_directory);

    // Returns the account's mailbox, reading its keys from the directory on first use.
    // Throws storage_error(not_found) for an unknown account and what the directory
    // throws.
    boost::asio::awaitable<std::shared_ptr<account_mailbox>> find(storage::account_id account);

    // Drops the account's entry, so the next find() reads the directory again, where a
    // wiped account is no longer found.
    // NOTE: a delivery already running keeps its own reference and is not waited for, so
    // it may still commit, and reply 250, while a wipe overwrites and removes the file.
    void forget(storage::account_id account);

  private:
    boost::asio::thread_pool& pool_;
    storage::executor& directory_executor_;
    storage::directory& directory_;
    storage::audit_writer& audit_;
    std::filesystem::path state_directory_;

    std::mutex mutex_;
    std::map<storage::account_id, std::shared_ptr<account_mailbox>> mailboxes_;
};

} // namespace skrynka::app::server
