#include "src/server/smtp_service.hpp"

#include "src/net/listener.hpp"
#include "src/net/smtp_connection.hpp"
#include "src/server/service_snapshot.hpp"
#include "src/server/smtp_receiver.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

namespace skrynka::app::server {

namespace {

// Objects that live as long as the server context.
net::smtp_service initial_service(server_context& context, net::smtp_backend& backend) {
    net::smtp_service service;
    service.hostname = context.settings().server.hostname;
    service.limits = smtp::smtp_limits(*context.limits());
    service.tls = context.tls();
    service.backend = &backend;
    return service;
}

struct smtp_runtime {
    explicit smtp_runtime(server_context& context)
        : receiver(context), service(initial_service(context, receiver)) {}

    smtp_receiver receiver;
    // SIGHUP replaces it, and each session keeps the snapshot it was accepted with.
    service_snapshot<net::smtp_service> service;
    std::unique_ptr<net::listener> listener;
};

} // namespace

void start_smtp_service(server_context& context) {
    const config::settings& settings = context.settings();
    if (settings.listen.smtp.empty()) {
        return;
    }

    auto runtime = std::make_shared<smtp_runtime>(context);

    // TODO: connections are limited per address only. Messages in flight can take the
    // number of clients times twice limits.smtp_message_size_max (the received text and
    // its sealed copy), with no total cap.
    net::listener_config listener_config;
    listener_config.proto = "smtp";
    listener_config.connections_per_address_max =
        runtime->service.current()->limits.connections_per_address_max;
    listener_config.busy_reply = net::smtp_busy_reply(settings.server.hostname);
    for (const config::listen_address& address : settings.listen.smtp) {
        listener_config.endpoints.emplace_back(boost::asio::ip::make_address(address.host),
                                               address.port);
    }

    service_snapshot<net::smtp_service>* service = &runtime->service;
    runtime->listener = std::make_unique<net::listener>(
        boost::asio::make_strand(context.io()), std::move(listener_config),
        [service](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return run_with_snapshot(&net::run_smtp_connection, std::move(socket), std::move(info),
                                     service->current());
        });
    // The listener logs event=listening for each bound address.
    runtime->listener->start();

    net::listener* listener = runtime->listener.get();
    context.on_stop([listener] { listener->stop(); });
    context.on_limits_change([service, listener](const policies::limit_values& limits) {
        net::smtp_service next = *service->current();
        next.limits = smtp::smtp_limits(limits);
        listener->set_connections_per_address_max(next.limits.connections_per_address_max);
        service->replace(std::move(next));
    });
    context.keep(std::move(runtime));
}

} // namespace skrynka::app::server
