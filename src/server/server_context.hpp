// Shared state of the protocol services of `skrynka serve`: the I/O threads, the blocking
// thread pool, the directory and the account mailboxes behind their executors, the audit
// writer, the TLS certificate and the settings.
#pragma once

#include "src/config/settings.hpp"
#include "src/net/tls_context.hpp"
#include "src/server/account_mailboxes.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "storage/executor.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace skrynka::app::server {

// Threads that run network I/O and the protocol engines.
inline constexpr std::size_t io_thread_count = 2;
// Threads for blocking work: SQLCipher calls and sealing messages. Commits spend most of
// their time waiting for fsync, so there are more of them than cores on a small server.
// NOTE: a fixed guess, not measured on other machines; make it a setting when it matters.
inline constexpr std::size_t blocking_thread_count = 4;

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

    const config::settings& settings() const noexcept { return settings_; }
    boost::asio::io_context& io() noexcept { return io_; }
    boost::asio::thread_pool& blocking_pool() noexcept { return blocking_pool_; }
    // Use the directory only from calls run on directory_executor().
    storage::directory& directory() noexcept { return directory_; }
    storage::executor& directory_executor() noexcept { return directory_executor_; }
    account_mailboxes& mailboxes() noexcept { return mailboxes_; }
    // Thread-safe. Records that a client waits for are awaited before the reply.
    storage::audit_writer& audit() noexcept { return audit_; }
    // Null when the config names no certificate, so STARTTLS is not offered.
    net::tls_context_store* tls() noexcept { return tls_.get(); }

    // Registers what stop() calls for a service, such as stopping its listeners.
    void on_stop(std::function<void()> stopper);
    // Keeps a service's objects (listeners, backends) alive as long as the I/O context.
    void keep(std::shared_ptr<void> service);

    // Runs the I/O threads (this thread among them) until stop(). Then waits for the
    // blocking work already queued, so no commit is cut off.
    void run();

    // Stops the services and the I/O threads. Thread-safe; call it from a signal handler
    // running on io().
    void stop();

  private:
    config::settings settings_;
    storage::audit_writer& audit_;
    // Declared before everything that posts to it, so it is destroyed after them.
    boost::asio::thread_pool blocking_pool_;
    storage::executor directory_executor_;
    storage::directory directory_;
    account_mailboxes mailboxes_;
    std::unique_ptr<net::tls_context_store> tls_;
    std::vector<std::function<void()>> stoppers_;
    // Last, so it is destroyed first: its pending handlers hold coroutine frames that
    // refer to the members above.
    boost::asio::io_context io_;
    // After io_, so listeners close their sockets while io_ still exists. Coroutine frames
    // that refer to these objects are never resumed once run() has returned.
    std::vector<std::shared_ptr<void>> services_;
};

} // namespace skrynka::app::server
