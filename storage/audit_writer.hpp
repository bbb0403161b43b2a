// The audit log of a running server: one connection to directory.db that only the
// writer uses, on one serialized executor with a thread of its own, so sessions on any
// thread can append records without sharing the directory's connection.
//
// Group commit. Appends that arrive while a commit runs are written together in the
// next transaction, so concurrent sessions share one fsync. Records passed in one call
// always share one transaction: a delivery to several accounts, or the records of one
// mailbox group commit, are durable together or not at all. When a shared transaction
// fails, each call is retried in a transaction of its own, so one failing call does not
// fail the others.
//
// Durability. The connection runs with synchronous=FULL (see database.hpp). An append
// completes only after its transaction committed, so a caller that awaits it before
// replying to a client never reports an action whose record could still be lost.
//
// Checkpoints. A periodic checkpoint follows every audit_options.checkpoint_every_records
// records inside the append's transaction (see audit_log.hpp). Time-based checkpoints,
// retention pruning and the shutdown checkpoint are run by the caller through run() or
// run_and_wait(), so they are serialized with the appends on the same executor.
//
// Thread safety: every member function may be called from any thread, except
// run_and_wait() and append_and_wait() on the writer's own thread (they would wait for
// themselves, so they throw std::logic_error there).
#pragma once

#include "crypto/secret.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"
#include "storage/executor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <future>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace skrynka::storage {

class audit_writer {
  public:
    // Opens a connection of its own to directory_database, which directory::open has
    // already migrated, and the audit log on it. Throws what database::open and
    // audit_log::open throw.
    audit_writer(const std::filesystem::path& directory_database,
                 const crypto::secret_bytes& storage_key, audit_options options = {});
    // Waits for every call already queued, then closes the connection.
    ~audit_writer();
    audit_writer(const audit_writer&) = delete;
    audit_writer& operator=(const audit_writer&) = delete;

    // Appends entry and resumes once it is durable, with its sequence number. Throws
    // storage_error when the transaction fails, and then nothing was recorded.
    boost::asio::awaitable<std::int64_t> append(audit_entry entry);

    // Appends entries in one transaction and resumes once they are durable, with their
    // sequence numbers in the same order. An empty list writes nothing. Throws
    // storage_error when the transaction fails, and then none of them was recorded.
    boost::asio::awaitable<std::vector<std::int64_t>> append(std::vector<audit_entry> entries);

    // Does what append(entry) does, blocking the calling thread until the record is
    // durable. For threads that run no coroutine: start-up, shutdown, blocking workers.
    std::int64_t append_and_wait(const audit_entry& entry);

    // Does what append(entries) does, blocking the calling thread until the records are
    // durable.
    std::vector<std::int64_t> append_and_wait(const std::vector<audit_entry>& entries);

    // Runs function(log) on the writer's executor and resumes with its result, for work
    // beyond appends: checkpoints, pruning, queries, receipts signed with the audit key.
    // Rethrows what function throws. function must not keep the log beyond the call.
    template <class F>
    requires std::invocable<F&, audit_log&>
        boost::asio::awaitable<std::invoke_result_t<F&, audit_log&>> run(F function);

    // Does what run() does, blocking the calling thread until function returned.
    template <class F>
    requires std::invocable<F&, audit_log&> std::invoke_result_t<F&, audit_log&>
    run_and_wait(F function);

    // The audit public key, to verify checkpoints and receipts. Fixed for the writer's
    // lifetime, so reading it needs no executor.
    const crypto::signing_public_key& public_key() const noexcept { return public_key_; }

  private:
    // One caller's records, living in the caller's frame until the commit reports back.
    struct pending_append {
        const std::vector<audit_entry>* entries = nullptr;
        std::vector<std::int64_t> sequences;
        std::exception_ptr error;
    };

    void enqueue(pending_append& pending);
    // Runs on the executor: writes every queued call, sharing one transaction.
    void commit_queued();
    void commit_alone(pending_append& pending);
    void throw_if_on_own_thread(const char* function) const;

    // Declared first, so it is destroyed last: the join in the destructor needs it.
    boost::asio::thread_pool pool_{1};
    executor executor_;
    database db_;
    // Used only on executor_.
    audit_log log_;
    crypto::signing_public_key public_key_;

    std::mutex queue_mutex_;
    std::vector<pending_append*> queue_;
};

template <class F>
requires std::invocable<F&, audit_log&> boost::asio::awaitable<std::invoke_result_t<F&, audit_log&>>
audit_writer::run(F function) {
    co_return co_await executor_.run(
        [this, function = std::move(function)]() mutable { return function(log_); });
}

template <class F>
requires std::invocable<F&, audit_log&> std::invoke_result_t<F&, audit_log&>
audit_writer::run_and_wait(F function) {
    throw_if_on_own_thread("audit_writer::run_and_wait");
    using result_type = std::invoke_result_t<F&, audit_log&>;
    std::promise<result_type> promise;
    std::future<result_type> result = promise.get_future();
    boost::asio::post(executor_.get_strand(), [this, &function, &promise] {
        try {
            if constexpr (std::is_void_v<result_type>) {
                function(log_);
                promise.set_value();
            } else {
                promise.set_value(function(log_));
            }
        } catch (...) {
            promise.set_exception(std::current_exception());
        }
    });
    return result.get();
}

} // namespace skrynka::storage
