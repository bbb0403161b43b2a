// The server's audit writer; see audit_writer.hpp.
#include "storage/audit_writer.hpp"

#include "storage/transaction.hpp"

#include <utility>

namespace skrynka::storage {

audit_writer::audit_writer(const std::filesystem::path& directory_database,
                           const crypto::secret_bytes& storage_key, audit_options options)
    : executor_(pool_),
      db_(database::open(directory_database, storage_key, open_mode::open_existing)),
      log_(audit_log::open(db_, std::move(options))), public_key_(log_.public_key()) {}

audit_writer::~audit_writer() {
    pool_.join();
}

boost::asio::awaitable<std::int64_t> audit_writer::append(audit_entry entry) {
    std::vector<audit_entry> entries;
    entries.push_back(std::move(entry));
    const std::vector<std::int64_t> sequences = co_await append(std::move(entries));
    co_return sequences.front();
}

boost::asio::awaitable<std::vector<std::int64_t>>
audit_writer::append(std::vector<audit_entry> entries) {
    if (entries.empty()) {
        co_return std::vector<std::int64_t>{};
    }
    pending_append pending;
    pending.entries = &entries;
    enqueue(pending);

    // pending is queued before this call is, and the executor runs calls in order, so
    // when this call returns, it or an earlier one has written pending or failed it.
    co_await executor_.run([this] { commit_queued(); });

    if (pending.error) {
        std::rethrow_exception(pending.error);
    }
    co_return std::move(pending.sequences);
}

std::int64_t audit_writer::append_and_wait(const audit_entry& entry) {
    return append_and_wait(std::vector<audit_entry>{entry}).front();
}

std::vector<std::int64_t> audit_writer::append_and_wait(const std::vector<audit_entry>& entries) {
    throw_if_on_own_thread("audit_writer::append_and_wait");
    if (entries.empty()) {
        return {};
    }
    pending_append pending;
    pending.entries = &entries;
    enqueue(pending);

    std::promise<void> done;
    std::future<void> finished = done.get_future();
    boost::asio::post(executor_.get_strand(), [this, &done] {
        commit_queued();
        done.set_value();
    });
    finished.get();

    if (pending.error) {
        std::rethrow_exception(pending.error);
    }
    return std::move(pending.sequences);
}

void audit_writer::enqueue(pending_append& pending) {
    const std::lock_guard lock(queue_mutex_);
    queue_.push_back(&pending);
}

void audit_writer::commit_queued() {
    std::vector<pending_append*> batch;
    {
        const std::lock_guard lock(queue_mutex_);
        batch.swap(queue_);
    }
    if (batch.empty()) {
        return;
    }
    if (batch.size() == 1) {
        commit_alone(*batch.front());
        return;
    }

    try {
        std::vector<std::vector<std::int64_t>> sequences(batch.size());
        transaction tx(db_);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            for (const audit_entry& entry : *batch[i]->entries) {
                sequences[i].push_back(log_.append(tx, entry).sequence);
            }
        }
        tx.commit();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i]->sequences = std::move(sequences[i]);
        }
        return;
    } catch (...) {
        // The transaction rolled back as a whole. Below, each call commits or fails
        // for its own reason.
    }
    for (pending_append* pending : batch) {
        commit_alone(*pending);
    }
}

void audit_writer::commit_alone(pending_append& pending) {
    try {
        std::vector<std::int64_t> sequences;
        transaction tx(db_);
        for (const audit_entry& entry : *pending.entries) {
            sequences.push_back(log_.append(tx, entry).sequence);
        }
        tx.commit();
        pending.sequences = std::move(sequences);
    } catch (...) {
        pending.error = std::current_exception();
    }
}

void audit_writer::throw_if_on_own_thread(const char* function) const {
    if (executor_.get_strand().running_in_this_thread()) {
        throw std::logic_error(std::string(function) +
                               " called on the audit writer's own thread would wait forever");
    }
}

} // namespace skrynka::storage
