#include "src/server/imap_service.hpp"

#include "src/auth/account_unlock.hpp"
#include "src/imap/store_access.hpp"
#include "src/logging/logging.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/net/imap_connection.hpp"
#include "src/net/listener.hpp"
#include "src/server/service_snapshot.hpp"
#include "storage/audit_entries.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"

#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

namespace skrynka::app::server {

namespace {

// Logins against the directory. Each session gets its own connection to the account's
// mailbox database, so sessions of one account work in parallel and see each other's
// changes through SQLite. Runs on blocking-pool threads, many logins at once: the
// directory reads go to its executor, and Argon2id runs here, bounded by the unlocker.
class directory_login : public imap::login_service {
  public:
    explicit directory_login(server_context& context) : context_(context) {}

    std::unique_ptr<imap::mail_access> login(std::string_view name,
                                             const crypto::secret_bytes& password,
                                             std::string_view remote_address,
                                             const std::shared_ptr<net::session_end>& end) override {
        const std::string remote(remote_address);
        if (!context_.login_throttle().allowed(remote)) {
            spdlog::warn("proto=imap remote={} event=login_refused reason=rate_limited user={}",
                         remote, logging::log_value(name));
            metrics::count(metrics::counter::logins_failed, metrics::protocol::imap);
            if (context_.login_throttle().first_rejection(remote)) {
                try_record(storage::login_failure_entry(
                    storage::audit_protocol::imap, name, remote,
                    storage::login_failure_reason::rate_limited));
            }
            return nullptr;
        }

        const std::string login_name(name);
        std::optional<auth::login_candidate> candidate =
            run_on_directory(context_, [this, &login_name] {
                return auth::find_login_candidate(context_.directory(), login_name);
            });
        std::optional<auth::unlocked_account> account =
            context_.unlocker().unlock(candidate, password);
        if (!account) {
            context_.login_throttle().record_failure(remote);
            metrics::count(metrics::counter::logins_failed, metrics::protocol::imap);
            // An unknown account is recorded as bad_credentials too, so that the log is no
            // oracle for which accounts exist. A failed append only loses the record of a
            // failure, so the reply stays the same.
            try_record(
                storage::login_failure_entry(storage::audit_protocol::imap, name, remote,
                                             storage::login_failure_reason::bad_credentials));
            return nullptr;
        }
        spdlog::info("proto=imap remote={} event=key_unlocked user={} source={}", remote,
                     account->address, account->from_cache ? "cache" : "key_slot");

        const storage::account_id id = account->account;
        // Registered before the directory is read again, so a wipe that starts later ends
        // this session, and one that already ran leaves no key to read.
        std::optional<account_sessions::registration> registration =
            context_.sessions().register_session(id, end);
        if (!registration) {
            spdlog::warn("proto=imap remote={} event=login_refused reason=account_closed user={}",
                         remote, account->address);
            return nullptr;
        }
        std::optional<crypto::secret_bytes> database_key = run_on_directory(
            context_, [this, id]() -> std::optional<crypto::secret_bytes> {
                if (!context_.directory().find_account(id)) {
                    return std::nullopt;
                }
                return context_.directory().mailbox_database_key(id);
            });
        if (!database_key) {
            spdlog::warn("proto=imap remote={} event=login_refused reason=account_closed user={}",
                         remote, account->address);
            return nullptr;
        }
        auto store = std::make_shared<storage::mailbox_store>(storage::mailbox_store::open(
            storage::mailbox_database_path(context_.settings().server.state_dir, id), *database_key,
            storage::open_mode::open_existing));
        // The login counts as done only once its record is durable, so a failed append
        // throws to the session, which replies with an internal error.
        context_.audit().append_and_wait(
            storage::login_success_entry(storage::audit_protocol::imap, account->address, remote));
        metrics::count(metrics::counter::logins_succeeded, metrics::protocol::imap);
        end->keep(std::make_shared<account_sessions::registration>(std::move(*registration)));
        storage::expunge_request expunges;
        expunges.audit = &context_.audit();
        expunges.origin.account_id = account->account;
        expunges.origin.account = account->address;
        expunges.origin.protocol = storage::audit_protocol::imap;
        expunges.origin.remote = remote;
        return std::make_unique<imap::store_access>(account->address, std::move(store),
                                                    std::move(account->keys),
                                                    std::move(account->cache_lease),
                                                    std::move(expunges));
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
            context_.audit().append_and_wait(entry);
        } catch (const storage::storage_error& error) {
            spdlog::error("proto=imap remote={} event=audit_failed error={}", entry.remote,
                          logging::log_value(error.what()));
        }
    }

    server_context& context_;
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
    explicit impl(server_context& server) : context(server), logins(server) {
        const config::settings& config = server.settings();
        net::imap_service initial;
        initial.hostname = config.server.hostname;
        initial.tls = server.tls();
        initial.logins = &logins;
        initial.blocking_pool = &server.blocking_pool();
        service.replace(with_limits(std::move(initial), *server.limits()));
    }

    static net::imap_service with_limits(net::imap_service service,
                                         const policies::limit_values& limits) {
        service.limits = session_limits_from(limits);
        service.cleartext_login_on_loopback = limits.cleartext_login_on_loopback != 0;
        return service;
    }

    server_context& context;
    directory_login logins;
    // SIGHUP replaces it, and each session keeps the snapshot it was accepted with.
    service_snapshot<net::imap_service> service;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

imap_server::imap_server(server_context& context) : impl_(std::make_unique<impl>(context)) {}

imap_server::~imap_server() {
    stop();
}

void imap_server::start() {
    const auto add = [this](const std::vector<config::listen_address>& addresses,
                            bool implicit_tls) {
        if (addresses.empty() || (implicit_tls && impl_->service.current()->tls == nullptr)) {
            return;
        }
        net::listener_config config;
        config.endpoints = endpoints_of(addresses);
        config.proto = implicit_tls ? "imaps" : "imap";
        config.connections_per_address_max =
            static_cast<std::size_t>(impl_->context.limits()->imap_connections_per_address_max);
        config.busy_reply = net::imap_busy_reply();
        service_snapshot<net::imap_service>* service = &impl_->service;
        auto listener = std::make_unique<net::listener>(
            impl_->context.io().get_executor(), std::move(config),
            [service, implicit_tls](boost::asio::ip::tcp::socket socket,
                                    net::connection_info info) {
                return run_with_snapshot(&net::run_imap_connection, std::move(socket),
                                         std::move(info), service->current(), implicit_tls);
            });
        listener->start();
        impl_->listeners.push_back(std::move(listener));
    };
    add(impl_->context.settings().listen.imap, false);
    add(impl_->context.settings().listen.imap_tls, true);

    impl_->context.on_limits_change([state = impl_.get()](const policies::limit_values& limits) {
        state->service.replace(impl::with_limits(*state->service.current(), limits));
        for (const auto& listener : state->listeners) {
            listener->set_connections_per_address_max(
                static_cast<std::size_t>(limits.imap_connections_per_address_max));
        }
    });
}

void imap_server::stop() {
    for (const auto& listener : impl_->listeners) {
        listener->stop();
    }
}

} // namespace skrynka::app::server
