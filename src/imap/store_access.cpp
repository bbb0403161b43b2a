#include "src/imap/store_access.hpp"

#include "src/message/sealed_message.hpp"
#include "storage/error.hpp"

namespace skrynka::imap {

namespace {

class opened_content : public message_content {
  public:
    opened_content(message::opened_message message, storage::mailbox_store& store,
                   storage::mailbox_id mailbox)
        : message_(std::move(message)), store_(store), mailbox_(mailbox) {}

    const mime::message_summary& summary() override { return message_.summary(); }

    std::string read(std::uint64_t offset, std::uint64_t length) override {
        if (length == 0 || offset >= message_.size()) {
            return {};
        }
        const std::vector<unsigned char> data = message_.read(store_, mailbox_, offset, length);
        return std::string(data.begin(), data.end());
    }

  private:
    message::opened_message message_;
    storage::mailbox_store& store_;
    storage::mailbox_id mailbox_;
};

} // namespace

store_access::store_access(std::string account_name, std::shared_ptr<storage::mailbox_store> store,
                           crypto::user_key_pair keys, auth::key_cache::lease cache_lease,
                           storage::expunge_request expunges)
    : account_name_(std::move(account_name)), store_(std::move(store)), keys_(std::move(keys)),
      cache_lease_(std::move(cache_lease)), expunges_(std::move(expunges)) {}

std::vector<storage::mailbox_info> store_access::list_mailboxes() {
    return store_->list_mailboxes();
}

std::optional<storage::mailbox_info> store_access::find_mailbox(std::string_view name) {
    return store_->find_mailbox(name);
}

storage::mailbox_info store_access::create_mailbox(std::string_view name) {
    return store_->create_mailbox(name);
}

void store_access::rename_mailbox(std::string_view old_name, std::string_view new_name) {
    store_->rename_mailbox(old_name, new_name);
}

void store_access::delete_mailbox(std::string_view name) {
    storage::delete_mailbox_securely(*store_, name, expunges_);
}

void store_access::set_subscribed(std::string_view name, bool subscribed) {
    store_->set_subscribed(name, subscribed);
}

storage::mailbox_status store_access::status(storage::mailbox_id mailbox) {
    return store_->status(mailbox);
}

storage::mailbox_status store_access::change_status(storage::mailbox_id mailbox) {
    const std::optional<storage::mailbox_info> info = store_->find_mailbox(mailbox);
    if (!info) {
        storage::throw_error(storage::errc::not_found, store_->db().path(), "mailbox not found");
    }
    storage::mailbox_status result;
    result.uidnext = info->uidnext;
    result.uidvalidity = info->uidvalidity;
    result.highestmodseq = info->highestmodseq;
    return result;
}

std::vector<message_entry> store_access::list_messages(storage::mailbox_id mailbox) {
    return list_messages_since(mailbox, 0);
}

std::vector<message_entry> store_access::list_messages_since(storage::mailbox_id mailbox,
                                                             std::int64_t changed_since) {
    // Only the state is listed: sealed keys and summaries are read per message by open(),
    // so a session never keeps a whole mailbox's sealed data in memory.
    std::vector<message_entry> entries;
    for (storage::message_row& row : store_->list_message_states(mailbox, changed_since)) {
        message_entry entry;
        entry.uid = row.uid;
        entry.modseq = row.modseq;
        entry.flags = row.flags;
        entry.keywords = std::move(row.keywords);
        entry.internal_date = row.internal_date;
        entry.size = static_cast<std::uint64_t>(row.size);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<storage::message_uid> store_access::list_uids(storage::mailbox_id mailbox) {
    return store_->list_uids(mailbox);
}

storage::message_uid store_access::append(storage::mailbox_id mailbox, std::string_view raw,
                                          std::uint32_t flags,
                                          const std::vector<std::string>& keywords,
                                          std::int64_t internal_date) {
    message::message_attributes attributes;
    attributes.flags = flags;
    attributes.keywords = keywords;
    attributes.internal_date = internal_date;
    return store_->append(mailbox, message::seal_message(raw, keys_.public_key, attributes));
}

std::vector<storage::flag_update>
store_access::store_flags(storage::mailbox_id mailbox, std::span<const storage::message_uid> uids,
                          storage::flag_change change, std::uint32_t flags,
                          std::span<const std::string> keywords) {
    return store_->store_flags(mailbox, uids, change, flags, keywords);
}

std::vector<storage::copied_uid> store_access::copy(storage::mailbox_id source,
                                                    std::span<const storage::message_uid> uids,
                                                    storage::mailbox_id destination) {
    return store_->copy(source, uids, destination);
}

std::vector<storage::copied_uid> store_access::move(storage::mailbox_id source,
                                                    std::span<const storage::message_uid> uids,
                                                    storage::mailbox_id destination) {
    return storage::move_securely(*store_, source, uids, destination, expunges_);
}

void store_access::expunge(storage::mailbox_id mailbox,
                           std::span<const storage::message_uid> uids) {
    storage::expunge_securely(*store_, mailbox, uids, expunges_);
}

std::unique_ptr<message_content> store_access::open(storage::mailbox_id mailbox,
                                                    storage::message_uid uid) {
    const std::optional<storage::message_row> found = store_->find_message(mailbox, uid);
    if (!found) {
        return nullptr;
    }
    auto opened = message::open_message(*found, keys_);
    if (!opened) {
        return nullptr;
    }
    return std::make_unique<opened_content>(std::move(*opened), *store_, mailbox);
}

} // namespace skrynka::imap
