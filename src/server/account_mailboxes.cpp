// Group commit for deliveries: see account_mailboxes.hpp.
#include "src/server/account_mailboxes.hpp"

#include "storage/error.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace skrynka::app::server {

account_mailbox::account_mailbox(boost::asio::thread_pool& pool, storage::audit_writer& audit,
                                 storage::account_id account, std::string address,
                                 std::filesystem::path database_path,
                                 crypto::secret_bytes database_key,
                                 const crypto::user_public_key& public_key)
    : pool_(pool), audit_(audit), account_(account), address_(std::move(address)),
      database_path_(std::move(database_path)), database_key_(std::move(database_key)),
      public_key_(public_key), executor_(pool) {}

boost::asio::awaitable<storage::message_uid>
account_mailbox::append_to_inbox(storage::new_message message, storage::audit_entry record) {
    append_slot slot;
    slot.message = std::move(message);
    slot.record = std::move(record);
    {
        const std::lock_guard lock(queue_mutex_);
        queue_.push_back(&slot);
    }

    // The slot is queued before this call is, and the executor runs calls in order, so
    // by the time this call returns, this call or an earlier one has committed the slot
    // or recorded why it failed.
    co_await executor_.run([this] { commit_queued(); });

    if (slot.error) {
        std::rethrow_exception(slot.error);
    }
    co_return slot.uid;
}

boost::asio::awaitable<storage::message_uid>
account_mailbox::seal_and_append(const std::function<storage::new_message()>& seal,
                                 storage::audit_entry record, delivery_target target) {
    append_slot slot;
    slot.record = std::move(record);
    slot.target = target;
    using token_type = const boost::asio::use_awaitable_t<>&;
    co_await boost::asio::async_initiate<token_type, void()>(
        [this, &slot, &seal](auto handler) {
            auto work = boost::asio::make_work_guard(handler);
            boost::asio::post(pool_, [this, &slot, &seal, handler = std::move(handler),
                                      work = std::move(work)]() mutable {
                try {
                    slot.message = seal();
                    const std::lock_guard lock(queue_mutex_);
                    queue_.push_back(&slot);
                } catch (...) {
                    slot.error = std::current_exception();
                }
                // As in append_to_inbox(): the slot is queued before this call is.
                boost::asio::post(executor_.get_strand(), [this, handler = std::move(handler),
                                                           work = std::move(work)]() mutable {
                    commit_queued();
                    boost::asio::post(work.get_executor(),
                                      [handler = std::move(handler)]() mutable { handler(); });
                    work.reset();
                });
            });
        },
        boost::asio::use_awaitable);

    if (slot.error) {
        std::rethrow_exception(slot.error);
    }
    co_return slot.uid;
}

void account_mailbox::commit_queued() {
    std::vector<append_slot*> batch;
    {
        const std::lock_guard lock(queue_mutex_);
        batch.swap(queue_);
    }
    if (batch.empty()) {
        return;
    }

    try {
        open_if_needed();
    } catch (...) {
        for (append_slot* slot : batch) {
            slot->error = std::current_exception();
        }
        return;
    }

    std::vector<storage::append_request> requests;
    requests.reserve(batch.size());
    for (append_slot* slot : batch) {
        storage::mailbox_id mailbox = 0;
        try {
            mailbox = mailbox_of(slot->target);
        } catch (...) {
            slot->error = std::current_exception();
            continue;
        }
        requests.push_back({mailbox, std::move(slot->message)});
    }
    // Slots whose mailbox could not be found are left out with their error.
    std::erase_if(batch, [](const append_slot* slot) { return slot->error != nullptr; });
    if (batch.empty()) {
        return;
    }
    bool batch_committed = false;
    try {
        const std::vector<storage::message_uid> uids = store_->append_many(requests);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i]->uid = uids[i];
        }
        batch_committed = true;
    } catch (...) {
        if (batch.size() == 1) {
            batch.front()->error = std::current_exception();
            return;
        }
    }
    if (batch_committed) {
        record_committed(batch);
        return;
    }

    // append_many rolled the whole batch back. Alone, each message either commits or
    // fails for its own reason.
    std::vector<append_slot*> committed;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            batch[i]->uid = store_->append(requests[i].mailbox, requests[i].message);
            committed.push_back(batch[i]);
        } catch (...) {
            batch[i]->error = std::current_exception();
        }
    }
    record_committed(committed);
}

void account_mailbox::record_committed(const std::vector<append_slot*>& committed) {
    if (committed.empty()) {
        return;
    }
    std::vector<storage::audit_entry> records;
    records.reserve(committed.size());
    for (const append_slot* slot : committed) {
        records.push_back(slot->record);
    }
    // The audit writer runs on a thread of its own, so waiting here cannot starve it.
    try {
        audit_.append_and_wait(records);
    } catch (...) {
        for (append_slot* slot : committed) {
            slot->error = std::current_exception();
        }
    }
}

void account_mailbox::open_if_needed() {
    if (store_) {
        return;
    }
    storage::mailbox_store store = storage::mailbox_store::open(database_path_, database_key_,
                                                                storage::open_mode::open_existing);
    const std::optional<storage::mailbox_info> inbox = store.find_mailbox("INBOX");
    if (!inbox) {
        throw storage::storage_error(storage::errc::not_found, database_path_,
                                     "the mailbox database has no INBOX");
    }
    inbox_ = inbox->id;
    store_.emplace(std::move(store));
}

storage::mailbox_id account_mailbox::mailbox_of(delivery_target target) {
    if (target == delivery_target::inbox) {
        return inbox_;
    }
    if (sent_ != 0) {
        return sent_;
    }
    for (const storage::mailbox_info& mailbox : store_->list_mailboxes()) {
        if (mailbox.special_use == "\\Sent") {
            sent_ = mailbox.id;
            return sent_;
        }
    }
    // A user may have removed the special use or the mailbox; the copy still has to go
    // somewhere the user looks.
    if (const std::optional<storage::mailbox_info> named = store_->find_mailbox("Sent")) {
        sent_ = named->id;
        return sent_;
    }
    sent_ = store_->create_mailbox("Sent", "\\Sent").id;
    return sent_;
}

account_mailboxes::account_mailboxes(boost::asio::thread_pool& pool,
                                     storage::executor& directory_executor,
                                     storage::directory& directory, storage::audit_writer& audit,
                                     std::filesystem::path state_directory)
    : pool_(pool), directory_executor_(directory_executor), directory_(directory), audit_(audit),
      state_directory_(std::move(state_directory)) {}

boost::asio::awaitable<std::shared_ptr<account_mailbox>>
account_mailboxes::find(storage::account_id account) {
    {
        const std::lock_guard lock(mutex_);
        if (const auto found = mailboxes_.find(account); found != mailboxes_.end()) {
            co_return found->second;
        }
    }

    // Two first deliveries may both get here; the second one's object is dropped below.
    auto created = co_await directory_executor_.run([this, account] {
        const std::optional<storage::account> row = directory_.find_account(account);
        if (!row) {
            throw storage::storage_error(storage::errc::not_found, directory_.db().path(),
                                         "the account of a recipient no longer exists");
        }
        return std::make_shared<account_mailbox>(
            pool_, audit_, account, row->address,
            storage::mailbox_database_path(state_directory_, account),
            directory_.mailbox_database_key(account), row->public_key);
    });

    const std::lock_guard lock(mutex_);
    const auto [position, inserted] = mailboxes_.emplace(account, std::move(created));
    co_return position->second;
}

void account_mailboxes::forget(storage::account_id account) {
    std::shared_ptr<account_mailbox> dropped;
    {
        const std::lock_guard lock(mutex_);
        const auto found = mailboxes_.find(account);
        if (found == mailboxes_.end()) {
            return;
        }
        dropped = std::move(found->second);
        mailboxes_.erase(found);
    }
    // Released here, outside the lock: closing the database may take a moment.
}

} // namespace skrynka::app::server
