// POP3 service start-up; see pop3_service.hpp.
#include "src/server/pop3_service.hpp"

#include "policies/auth_policy.hpp"
#include "policies/login_throttle.hpp"
#include "src/net/listener.hpp"
#include "src/net/pop3_connection.hpp"
#include "src/net/tls_context.hpp"
#include "src/server/account_sessions.hpp"
#include "src/server/pop3_backend.hpp"
#include "storage/executor.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <stdexcept>
#include <vector>

namespace skrynka::app::server {

namespace {

// Threads for SQLCipher calls, decryption and Argon2id.
// NOTE: a fixed guess for a small server, not a measurement.
constexpr std::size_t blocking_thread_count = 2;

pop3::pop3_limits pop3_limits_of(const policies::limit_values& limits) {
    pop3::pop3_limits result;
    result.line_max = static_cast<std::size_t>(limits.pop3_line_max);
    result.commands_before_auth_max =
        static_cast<std::size_t>(limits.pop3_commands_before_auth_max);
    result.errors_max = static_cast<std::size_t>(limits.pop3_errors_max);
    result.idle_timeout = std::chrono::seconds(limits.pop3_idle_timeout_seconds);
    return result;
}

} // namespace

// Members are destroyed in reverse order: the listeners first, then the I/O context with
// the coroutine frames of open sessions, which refer to everything declared before it.
struct pop3_server::impl {
    impl(const config::settings& settings, storage::directory& directory,
         storage::audit_writer& audit)
        : settings_(settings), directory_executor_(blocking_pool_),
          throttle_(static_cast<std::size_t>(settings.limits.login_failures_max),
                    std::chrono::seconds(settings.limits.login_failure_window_seconds)) {
        if (!settings.tls.certificate.empty()) {
            tls_ = std::make_unique<net::tls_context_store>(settings.tls.certificate,
                                                            settings.tls.private_key);
        } else if (!settings.listen.pop3_tls.empty()) {
            throw std::runtime_error("pop3.listen_tls needs a certificate: set tls.certificate "
                                     "and tls.private_key, or clear pop3.listen_tls");
        }

        backend_.blocking_pool = &blocking_pool_;
        backend_.directory_executor = &directory_executor_;
        backend_.directory = &directory;
        backend_.state_directory = settings.server.state_dir;
        backend_.sessions = &sessions_;
        backend_.throttle = &throttle_;
        backend_.audit = &audit;
        backend_.unknown_user_params = {
            static_cast<std::uint64_t>(settings.limits.argon2_ops),
            static_cast<std::uint64_t>(settings.limits.argon2_memory_kib) * 1024};

        for (net::pop3_service* service : {&plain_service_, &tls_service_}) {
            service->hostname = settings.server.hostname;
            service->limits = pop3_limits_of(settings.limits);
            service->tls = tls_.get();
            const bool loopback_exempt = settings.limits.cleartext_login_on_loopback != 0;
            service->cleartext_login_allowed = [loopback_exempt](const net::connection_info& info) {
                boost::system::error_code error;
                const auto address = boost::asio::ip::make_address(info.remote_address, error);
                return !error && policies::cleartext_auth_allowed(false, address, loopback_exempt);
            };
            service->accounts = [this](const net::connection_info& info) {
                return make_pop3_accounts(backend_, info);
            };
        }
        tls_service_.implicit_tls = true;
    }

    void add_listener(const std::vector<config::listen_address>& addresses,
                      const net::pop3_service& service) {
        if (addresses.empty()) {
            return;
        }
        net::listener_config config;
        config.proto = service.implicit_tls ? "pop3s" : "pop3";
        config.connections_per_address_max =
            static_cast<std::size_t>(settings_.limits.pop3_connections_per_address_max);
        // A POP3S client expects a TLS handshake, so cleartext would only confuse it. That
        // port closes over-limit connections without a reply.
        if (!service.implicit_tls) {
            config.busy_reply = net::pop3_busy_reply();
        }
        for (const config::listen_address& address : addresses) {
            config.endpoints.emplace_back(boost::asio::ip::make_address(address.host),
                                          address.port);
        }
        auto listener = std::make_unique<net::listener>(
            boost::asio::make_strand(io_), std::move(config),
            [&service](boost::asio::ip::tcp::socket socket, net::connection_info info) {
                return net::run_pop3_connection(std::move(socket), std::move(info), service);
            });
        listener->start();
        listeners_.push_back(std::move(listener));
    }

    const config::settings& settings_;
    boost::asio::thread_pool blocking_pool_{blocking_thread_count};
    storage::executor directory_executor_;
    account_sessions sessions_;
    policies::login_throttle throttle_;
    std::unique_ptr<net::tls_context_store> tls_;
    pop3_backend_context backend_;
    net::pop3_service plain_service_;
    net::pop3_service tls_service_;
    boost::asio::io_context io_{1};
    std::vector<std::unique_ptr<net::listener>> listeners_;
};

pop3_server::pop3_server(const config::settings& settings, storage::directory& directory,
                         storage::audit_writer& audit)
    : impl_(std::make_unique<impl>(settings, directory, audit)) {}

void pop3_server::join() {
    impl_->blocking_pool_.join();
}

pop3_server::~pop3_server() {
    // Blocking calls refer to maildrops inside session frames, so they must finish before
    // the I/O context destroys those frames. Queued audit appends post their completions
    // to the I/O context, so they must end before it does.
    impl_->blocking_pool_.join();
    impl_->backend_.audit->run_and_wait([](storage::audit_log&) {});
}

boost::asio::io_context& pop3_server::io() {
    return impl_->io_;
}

void pop3_server::start() {
    impl_->add_listener(impl_->settings_.listen.pop3, impl_->plain_service_);
    impl_->add_listener(impl_->settings_.listen.pop3_tls, impl_->tls_service_);
}

void pop3_server::stop() {
    for (const auto& listener : impl_->listeners_) {
        listener->stop();
    }
    impl_->io_.stop();
}

} // namespace skrynka::app::server
