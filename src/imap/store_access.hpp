// mail_access over one account's encrypted mailbox store: APPEND seals with the
// account's public key, FETCH opens content keys with its unlocked key pair.
#pragma once

#include "crypto/user_keys.hpp"
#include "src/auth/key_cache.hpp"
#include "src/imap/mail_access.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/secure_expunge.hpp"

#include <map>
#include <memory>
#include <utility>

namespace skrynka::imap {

// Not thread-safe. Sessions of one account may share the store, provided that every
// call on it is serialized (the storage executor of that account does this).
class store_access : public mail_access {
  public:
    // cache_lease counts the session in the unlocked-key cache until this is destroyed.
    // Expunges go through storage::expunge_securely with expunges, whose recorder writes
    // the receipts; a null recorder writes none (tests of the engine alone).
    store_access(std::string account_name, std::shared_ptr<storage::mailbox_store> store,
                 crypto::user_key_pair keys, auth::key_cache::lease cache_lease = {},
                 storage::expunge_request expunges = {});

    std::string account_name() const override { return account_name_; }
    std::vector<storage::mailbox_info> list_mailboxes() override;
    std::optional<storage::mailbox_info> find_mailbox(std::string_view name) override;
    storage::mailbox_info create_mailbox(std::string_view name) override;
    void rename_mailbox(std::string_view old_name, std::string_view new_name) override;
    void delete_mailbox(std::string_view name) override;
    void set_subscribed(std::string_view name, bool subscribed) override;
    storage::mailbox_status status(storage::mailbox_id mailbox) override;
    storage::mailbox_status change_status(storage::mailbox_id mailbox) override;
    std::vector<message_entry> list_messages(storage::mailbox_id mailbox) override;
    std::vector<message_entry> list_messages_since(storage::mailbox_id mailbox,
                                                   std::int64_t changed_since) override;
    std::vector<storage::message_uid> list_uids(storage::mailbox_id mailbox) override;
    storage::message_uid append(storage::mailbox_id mailbox, std::string_view raw,
                                std::uint32_t flags, const std::vector<std::string>& keywords,
                                std::int64_t internal_date) override;
    std::vector<storage::flag_update> store_flags(storage::mailbox_id mailbox,
                                                  std::span<const storage::message_uid> uids,
                                                  storage::flag_change change, std::uint32_t flags,
                                                  std::span<const std::string> keywords) override;
    std::vector<storage::copied_uid> copy(storage::mailbox_id source,
                                          std::span<const storage::message_uid> uids,
                                          storage::mailbox_id destination) override;
    std::vector<storage::copied_uid> move(storage::mailbox_id source,
                                          std::span<const storage::message_uid> uids,
                                          storage::mailbox_id destination) override;
    void expunge(storage::mailbox_id mailbox, std::span<const storage::message_uid> uids) override;
    std::unique_ptr<message_content> open(storage::mailbox_id mailbox,
                                          storage::message_uid uid) override;

  private:
    std::string account_name_;
    std::shared_ptr<storage::mailbox_store> store_;
    crypto::user_key_pair keys_;
    auth::key_cache::lease cache_lease_;
    storage::expunge_request expunges_;
};

} // namespace skrynka::imap
