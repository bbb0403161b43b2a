// Shared state of the protocol services of `skrynka serve`: the I/O threads, the blocking
// thread pool, the directory and the account mailboxes behind their executors, the audit
// writer, the TLS certificate, the settings, and what logins of every protocol share: the
// unlocked-key cache, the failed-login throttle and the registry of account sessions.
#pragma once

#include "policies/login_throttle.hpp"
#include "src/auth/account_unlocker.hpp"
#include "src/config/settings.hpp"
#include "src/net/tls_context.hpp"
#include "src/server/account_mailboxes.hpp"
#include "src/server/account_sessions.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "storage/executor.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

namespace skrynka::app::server {

// Threads that run network I/O and the protocol engines.
inline constexpr std::size_t io_thread_count = 2;
// Threads for blocking work: SQLCipher calls and sealing messages. Commits spend most of
// their time waiting for fsync, so there are more of them than cores on a small server.
// NOTE: a fixed guess, not measured on other machines; make it a setting when it matters.
inline constexpr std::size_t blocking_thread_count = 4;
// How often the unlocked-key cache drops expired entries and entries whose key slots
// another process (the command line) changed.
inline constexpr std::chrono::seconds key_cache_sweep_period{2};

// Created once by serve. Services keep references into it, so it must outlive them;
// stop() and the destructor end them in a safe order.
class server_context {
  public:
    // Takes the opened directory. audit must outlive the context. Loads the TLS
    // certificate when [tls] names one, and throws std::runtime_error (from
    // net::make_server_tls_context) when it cannot.
    server_context(config::settings settings, storage::directory directory,
                   storage::audit_writer& audit);
    ~server_context();
    server_context(const server_context&) = delete;
    server_context& operator=(const server_context&) = delete;

    // The settings serve started with. Its limits are the start-up ones: sessions take
    // theirs from limits(), which SIGHUP may change.
    const config::settings& settings() const noexcept { return settings_; }
    // The [limits] for work that starts now. Thread-safe. Hold the pointer for the whole
    // session or attempt, so that it sees one consistent set.
    std::shared_ptr<const policies::limit_values> limits() const;
    boost::asio::io_context& io() noexcept { return io_; }
    boost::asio::thread_pool& blocking_pool() noexcept { return blocking_pool_; }
    // Use the directory only from calls run on directory_executor(). That executor has a
    // thread of its own, so a blocking-pool thread may wait for a call on it (see
    // run_on_directory) without starving it.
    storage::directory& directory() noexcept { return directory_; }
    storage::executor& directory_executor() noexcept { return directory_executor_; }
    account_mailboxes& mailboxes() noexcept { return mailboxes_; }
    // Thread-safe. Records that a client waits for are awaited before the reply.
    storage::audit_writer& audit() noexcept { return audit_; }
    // Null when the config names no certificate, so STARTTLS is not offered.
    net::tls_context_store* tls() noexcept { return tls_.get(); }
    // Login state shared by IMAP, POP3 and submission.
    auth::account_unlocker& unlocker() noexcept { return unlocker_; }
    policies::login_throttle& login_throttle() noexcept { return login_throttle_; }
    account_sessions& sessions() noexcept { return sessions_; }

    // Registers what stop() calls for a service, such as stopping its listeners.
    void on_stop(std::function<void()> stopper);
    // Keeps a service's objects (listeners, backends) alive as long as the I/O context.
    void keep(std::shared_ptr<void> service);

    // Registers what apply_limits calls for a service, such as replacing the settings
    // its new sessions copy. Call it before run().
    void on_limits_change(std::function<void(const policies::limit_values&)> apply);
    // Makes limits the ones that new sessions, listeners' per-address counts and the
    // login throttle use from now on. Sessions already open keep theirs. Call it on io()
    // (serve's SIGHUP handler), never concurrently with itself. limits must be checked
    // (load_config does that).
    void apply_limits(const policies::limit_values& limits);

    // Runs the I/O threads (this thread among them) until stop(). Then waits for the
    // blocking work already queued, so no commit is cut off.
    void run();

    // Stops the services and the I/O threads. Thread-safe; call it from a signal handler
    // running on io().
    void stop();

  private:
    void arm_key_cache_sweep();

    config::settings settings_;
    storage::audit_writer& audit_;
    // Declared before everything that posts to them, so they are destroyed after them.
    boost::asio::thread_pool blocking_pool_;
    boost::asio::thread_pool directory_thread_{1};
    storage::executor directory_executor_;
    storage::directory directory_;
    account_mailboxes mailboxes_;
    std::unique_ptr<net::tls_context_store> tls_;
    auth::account_unlocker unlocker_;
    policies::login_throttle login_throttle_;
    account_sessions sessions_;
    // Runs on directory_executor_, so the sweep reads the directory in turn with others.
    boost::asio::steady_timer key_cache_sweep_;
    bool key_cache_sweep_stopped_ = false;
    std::vector<std::function<void()>> stoppers_;
    std::vector<std::function<void(const policies::limit_values&)>> limit_appliers_;
    mutable std::mutex limits_mutex_;
    std::shared_ptr<const policies::limit_values> limits_;
    // Last, so it is destroyed first: its pending handlers hold coroutine frames that
    // refer to the members above.
    boost::asio::io_context io_;
    // After io_, so listeners close their sockets while io_ still exists. Coroutine frames
    // that refer to these objects are never resumed once run() has returned.
    std::vector<std::shared_ptr<void>> services_;
};

// Runs function on the directory's executor and waits for its result, rethrowing what it
// throws. For synchronous code on the blocking pool (the IMAP engine). Never call it on
// the directory executor itself, which would wait for itself.
template <class F>
std::invoke_result_t<F&> run_on_directory(server_context& context, F function) {
    std::packaged_task<std::invoke_result_t<F&>()> task(std::move(function));
    std::future<std::invoke_result_t<F&>> result = task.get_future();
    boost::asio::post(context.directory_executor().get_strand(), std::move(task));
    return result.get();
}

} // namespace skrynka::app::server
