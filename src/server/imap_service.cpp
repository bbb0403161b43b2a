#include "src/server/imap_service.hpp"

#include "crypto/key_slot.hpp"
#include "src/auth/account_unlock.hpp"
#include "src/imap/store_access.hpp"
#include "src/logging/logging.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/net/imap_connection.hpp"
#include "src/net/listener.hpp"
#include "storage/audit_entries.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <mutex>
#include <spdlog/spdlog.h>

namespace skrynka::app::server {

namespace {

// Threads for Argon2id and SQLite work of IMAP sessions.
constexpr std::size_t blocking_threads = 4;

// Logins against the directory. Each session gets its own connection to the account's
// mailbox database, so sessions of one account work in parallel and see each other's
// changes through SQLite.
class directory_login : public imap::login_service {
  public:
    directory_login(storage::directory& directory, const config::settings& settings,
                    storage::audit_writer& audit)
        : directory_(directory), settings_(settings), audit_(audit) {}

    std::unique_ptr<imap::mail_access> login(std::string_view name,
                                             const crypto::secret_bytes& password,
                                             std::string_view remote) override {
        // The directory handle is not thread-safe, so logins take turns.
        // NOTE: one slow Argon2id run therefore delays other logins.
        std::lock_guard lock(mutex_);
        const crypto::argon2_params unknown_user_params{
            static_cast<std::uint64_t>(settings_.limits.argon2_ops),
            static_cast<std::uint64_t>(settings_.limits.argon2_memory_kib) * 1024};
        std::optional<auth::unlocked_account> account =
            auth::unlock_account(directory_, name, password, unknown_user_params);
        if (!account) {
            metrics::count(metrics::counter::logins_failed, metrics::protocol::imap);
            // An unknown account is recorded as bad_credentials too, so that the log is no
            // oracle for which accounts exist. A failed append only loses the record of a
            // failure, so the reply stays the same.
            try_record(
                storage::login_failure_entry(storage::audit_protocol::imap, name, remote,
                                             storage::login_failure_reason::bad_credentials));
            return nullptr;
        }
        metrics::count(metrics::counter::logins_succeeded, metrics::protocol::imap);
        auto store = std::make_shared<storage::mailbox_store>(storage::mailbox_store::open(
            storage::mailbox_database_path(settings_.server.state_dir, account->account),
            directory_.mailbox_database_key(account->account), storage::open_mode::open_existing));
        // The login counts as done only once its record is durable, so a failed append
        // throws to the session, which replies with an internal error.
        audit_.append_and_wait(
            storage::login_success_entry(storage::audit_protocol::imap, account->address, remote));
        return std::make_unique<imap::store_access>(account->address, std::move(store),
                                                    std::move(account->keys));
    }

    void record_rejected_login(std::string_view name, std::string_view remote,
                               storage::login_failure_reason reason) override {
        try_record(
            storage::login_failure_entry(storage::audit_protocol::imap, name, remote, reason));
    }

  private:
    // Appends a failure record and waits until it is durable. Logs a failed append
    // instead of throwing, because the client gets a refusal either way.
    void try_record(const storage::audit_entry& entry) {
        try {
            audit_.append_and_wait(entry);
        } catch (const storage::storage_error& error) {
            spdlog::error("proto=imap remote={} event=audit_failed error={}", entry.remote,
                          logging::log_value(error.what()));
        }
    }

    storage::directory& directory_;
    const config::settings& settings_;
    storage::audit_writer& audit_;
    std::mutex mutex_;
};

imap::session_limits session_limits_from(const policies::limit_values& limits) {
    imap::session_limits result;
    result.line_max = static_cast<std::size_t>(limits.imap_line_max_bytes);
    result.literal_max = static_cast<std::uint64_t>(limits.imap_literal_max_bytes);
    result.literal_max_unauthenticated =
        static_cast<std::uint64_t>(limits.imap_literal_max_bytes_unauthenticated);
    result.append_max = static_cast<std::uint64_t>(limits.imap_append_max_bytes);
    result.commands_before_auth = static_cast<std::size_t>(limits.imap_commands_before_auth);
    result.idle_timeout = std::chrono::seconds(limits.imap_idle_seconds);
    result.idle_timeout_unauthenticated =
        std::chrono::seconds(limits.imap_idle_seconds_unauthenticated);
    return result;
}

std::vector<boost::asio::ip::tcp::endpoint>
endpoints_of(const std::vector<config::listen_address>& addresses) {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    for (const config::listen_address& address : addresses) {
        endpoints.emplace_back(boost::asio::ip::make_address(address.host), address.port);
    }
    return endpoints;
}

} // namespace

struct imap_server::impl {
    impl(boost::asio::io_context& context, const config::settings& config,
         storage::directory& directory, net::tls_context_store* tls, storage::audit_writer& audit)
        : io_context(context), settings(config), logins(directory, config, audit) {
        service.hostname = config.server.hostname;
        service.limits = session_limits_from(config.limits);
        service.tls = tls;
        service.logins = &logins;
        service.blocking_pool = &pool;
        service.cleartext_login_on_loopback = config.limits.cleartext_login_on_loopback != 0;
    }

    boost::asio::io_context& io_context;
    const config::settings& settings;
    boost::asio::thread_pool pool{blocking_threads};
    directory_login logins;
    net::imap_service service;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

imap_server::imap_server(boost::asio::io_context& io_context, const config::settings& settings,
                         storage::directory& directory, net::tls_context_store* tls,
                         storage::audit_writer& audit)
    : impl_(std::make_unique<impl>(io_context, settings, directory, tls, audit)) {}

imap_server::~imap_server() {
    stop();
    impl_->pool.join();
}

void imap_server::start() {
    const auto add = [this](const std::vector<config::listen_address>& addresses,
                            bool implicit_tls) {
        if (addresses.empty() || (implicit_tls && impl_->service.tls == nullptr)) {
            return;
        }
        net::listener_config config;
        config.endpoints = endpoints_of(addresses);
        config.proto = implicit_tls ? "imaps" : "imap";
        config.busy_reply = net::imap_busy_reply();
        const net::imap_service* service = &impl_->service;
        auto listener = std::make_unique<net::listener>(
            impl_->io_context.get_executor(), std::move(config),
            [service, implicit_tls](boost::asio::ip::tcp::socket socket,
                                    net::connection_info info) {
                return net::run_imap_connection(std::move(socket), std::move(info), *service,
                                                implicit_tls);
            });
        listener->start();
        impl_->listeners.push_back(std::move(listener));
    };
    add(impl_->settings.listen.imap, false);
    add(impl_->settings.listen.imap_tls, true);
}

void imap_server::stop() {
    for (const auto& listener : impl_->listeners) {
        listener->stop();
    }
}

} // namespace skrynka::app::server
