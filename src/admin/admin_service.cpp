#include "src/admin/admin_service.hpp"

#include "src/admin/admin_router.hpp"
#include "src/admin/admin_session.hpp"
#include "src/net/listener.hpp"
#include "src/server/service_snapshot.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <stdexcept>

namespace skrynka::app::admin {

namespace {

// Objects that live as long as the server context.
struct admin_runtime {
    admin_runtime(admin_store& store, boost::asio::any_io_executor store_executor,
                  policies::login_throttle& throttle)
        : router(store, std::move(store_executor), throttle) {}

    admin_router router;
    // SIGHUP replaces them, and each session keeps the snapshot it was accepted with.
    server::service_snapshot<session_service> plain;
    server::service_snapshot<session_service> secure;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

session_limits limits_from(const policies::limit_values& limits) {
    session_limits result;
    result.header_max_bytes = static_cast<std::uint32_t>(limits.admin_header_max_bytes);
    result.body_max_bytes = static_cast<std::uint64_t>(limits.admin_body_max_bytes);
    result.request_timeout = std::chrono::seconds(limits.admin_request_seconds);
    return result;
}

void add_listener(server::server_context& context, admin_runtime& runtime,
                  const std::vector<config::listen_address>& addresses,
                  server::service_snapshot<session_service>& snapshot) {
    if (addresses.empty()) {
        return;
    }
    net::listener_config config;
    config.proto = "admin";
    config.connections_per_address_max =
        static_cast<std::size_t>(context.limits()->admin_connections_per_address_max);
    config.busy_reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                        "Connection: close\r\n\r\n";
    for (const config::listen_address& address : addresses) {
        config.endpoints.emplace_back(boost::asio::ip::make_address(address.host), address.port);
    }
    auto listener = std::make_unique<net::listener>(
        boost::asio::make_strand(context.io()), std::move(config),
        [&snapshot](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return server::run_with_snapshot(&run_admin_session, std::move(socket), std::move(info),
                                             snapshot.current());
        });
    // The listener logs event=listening for each bound address.
    listener->start();
    net::listener* stoppable = listener.get();
    context.on_stop([stoppable] { stoppable->stop(); });
    runtime.listeners.push_back(std::move(listener));
}

} // namespace

void start_admin_service(server::server_context& context, admin_store& store,
                         boost::asio::any_io_executor store_executor) {
    const config::settings& settings = context.settings();
    if (settings.listen.admin.empty() && settings.listen.admin_tls.empty()) {
        return;
    }
    if (!settings.listen.admin_tls.empty() && context.tls() == nullptr) {
        throw std::runtime_error("admin.listen_tls needs tls.certificate and tls.private_key");
    }

    auto runtime = std::make_shared<admin_runtime>(store, std::move(store_executor),
                                                   context.login_throttle());
    session_service plain;
    plain.router = &runtime->router;
    plain.limits = limits_from(*context.limits());
    session_service secure = plain;
    secure.tls = context.tls();
    runtime->plain.replace(plain);
    runtime->secure.replace(secure);

    add_listener(context, *runtime, settings.listen.admin, runtime->plain);
    add_listener(context, *runtime, settings.listen.admin_tls, runtime->secure);
    context.on_limits_change([runtime = runtime.get()](const policies::limit_values& limits) {
        for (server::service_snapshot<session_service>* snapshot :
             {&runtime->plain, &runtime->secure}) {
            session_service next = *snapshot->current();
            next.limits = limits_from(limits);
            snapshot->replace(next);
        }
        for (const auto& listener : runtime->listeners) {
            listener->set_connections_per_address_max(
                static_cast<std::size_t>(limits.admin_connections_per_address_max));
        }
    });
    context.keep(std::move(runtime));
}

} // namespace skrynka::app::admin
