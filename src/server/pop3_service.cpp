// POP3 service start-up; see pop3_service.hpp.
#include "src/server/pop3_service.hpp"

#include "policies/auth_policy.hpp"
#include "src/net/listener.hpp"
#include "src/net/pop3_connection.hpp"
#include "src/server/pop3_backend.hpp"
#include "src/server/service_snapshot.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

namespace skrynka::app::server {

namespace {

pop3::pop3_limits pop3_limits_of(const policies::limit_values& limits) {
    pop3::pop3_limits result;
    result.line_max = static_cast<std::size_t>(limits.pop3_line_max);
    result.commands_before_auth_max =
        static_cast<std::size_t>(limits.pop3_commands_before_auth_max);
    result.errors_max = static_cast<std::size_t>(limits.pop3_errors_max);
    result.idle_timeout = std::chrono::seconds(limits.pop3_idle_timeout_seconds);
    return result;
}

// Objects that live as long as the server context.
struct pop3_runtime {
    pop3_backend_context backend;
    // SIGHUP replaces them, and each session keeps the snapshot it was accepted with.
    service_snapshot<net::pop3_service> plain_service;
    service_snapshot<net::pop3_service> tls_service;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

// Sets what comes from [limits], at start-up and on SIGHUP.
void apply_limits(net::pop3_service& service, const policies::limit_values& limits) {
    service.limits = pop3_limits_of(limits);
    const bool loopback_exempt = limits.cleartext_login_on_loopback != 0;
    service.cleartext_login_allowed = [loopback_exempt](const net::connection_info& info) {
        boost::system::error_code error;
        const auto address = boost::asio::ip::make_address(info.remote_address, error);
        return !error && policies::cleartext_auth_allowed(false, address, loopback_exempt);
    };
}

net::pop3_service configure(server_context& context, const pop3_backend_context& backend,
                            bool implicit_tls) {
    net::pop3_service service;
    service.hostname = context.settings().server.hostname;
    service.tls = context.tls();
    service.implicit_tls = implicit_tls;
    apply_limits(service, *context.limits());
    service.accounts = [&backend](const net::connection_info& info) {
        return make_pop3_accounts(backend, info);
    };
    return service;
}

void add_listener(server_context& context, pop3_runtime& runtime,
                  const std::vector<config::listen_address>& addresses,
                  service_snapshot<net::pop3_service>& snapshot) {
    if (addresses.empty()) {
        return;
    }
    const bool implicit_tls = snapshot.current()->implicit_tls;
    net::listener_config config;
    config.proto = implicit_tls ? "pop3s" : "pop3";
    config.connections_per_address_max =
        static_cast<std::size_t>(context.limits()->pop3_connections_per_address_max);
    // A POP3S client expects a TLS handshake, so cleartext would only confuse it. That
    // port closes over-limit connections without a reply.
    if (!implicit_tls) {
        config.busy_reply = net::pop3_busy_reply();
    }
    for (const config::listen_address& address : addresses) {
        config.endpoints.emplace_back(boost::asio::ip::make_address(address.host), address.port);
    }
    auto listener = std::make_unique<net::listener>(
        boost::asio::make_strand(context.io()), std::move(config),
        [&snapshot](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return run_with_snapshot(&net::run_pop3_connection, std::move(socket), std::move(info),
                                     snapshot.current());
        });
    listener->start();
    net::listener* started = listener.get();
    context.on_stop([started] { started->stop(); });
    runtime.listeners.push_back(std::move(listener));
}

} // namespace

void start_pop3_service(server_context& context) {
    const config::settings& settings = context.settings();
    if (settings.listen.pop3.empty() && settings.listen.pop3_tls.empty()) {
        return;
    }
    if (!settings.listen.pop3_tls.empty() && context.tls() == nullptr) {
        throw std::runtime_error("pop3.listen_tls needs a certificate: set tls.certificate "
                                 "and tls.private_key, or clear pop3.listen_tls");
    }

    // Kept before any listener starts, so the context's stoppers never outlive them.
    auto runtime = std::make_shared<pop3_runtime>();
    context.keep(runtime);
    pop3_backend_context& backend = runtime->backend;
    backend.blocking_pool = &context.blocking_pool();
    backend.directory_executor = &context.directory_executor();
    backend.directory = &context.directory();
    backend.state_directory = settings.server.state_dir;
    backend.sessions = &context.sessions();
    backend.throttle = &context.login_throttle();
    backend.unlocker = &context.unlocker();
    backend.audit = &context.audit();

    runtime->plain_service.replace(configure(context, backend, false));
    runtime->tls_service.replace(configure(context, backend, true));

    add_listener(context, *runtime, settings.listen.pop3, runtime->plain_service);
    add_listener(context, *runtime, settings.listen.pop3_tls, runtime->tls_service);

    context.on_limits_change([runtime = runtime.get()](const policies::limit_values& limits) {
        for (service_snapshot<net::pop3_service>* snapshot :
             {&runtime->plain_service, &runtime->tls_service}) {
            net::pop3_service next = *snapshot->current();
            apply_limits(next, limits);
            snapshot->replace(std::move(next));
        }
        for (const auto& listener : runtime->listeners) {
            listener->set_connections_per_address_max(
                static_cast<std::size_t>(limits.pop3_connections_per_address_max));
        }
    });
}

} // namespace skrynka::app::server
