#include "src/server/smtp_service.hpp"

#include "src/net/listener.hpp"
#include "src/net/smtp_connection.hpp"
#include "src/server/smtp_receiver.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

namespace skrynka::app::server {

namespace {

// Objects that live as long as the server context.
struct smtp_runtime {
    explicit smtp_runtime(server_context& context) : receiver(context) {}

    smtp_receiver receiver;
    net::smtp_service service;
    std::unique_ptr<net::listener> listener;
};

} // namespace

void start_smtp_service(server_context& context) {
    const config::settings& settings = context.settings();
    if (settings.listen.smtp.empty()) {
        return;
    }

    auto runtime = std::make_shared<smtp_runtime>(context);
    runtime->service.hostname = settings.server.hostname;
    runtime->service.limits = smtp::smtp_limits(settings.limits);
    runtime->service.tls = context.tls();
    runtime->service.backend = &runtime->receiver;

    // TODO: connections are limited per address only. Messages in flight can take the
    // number of clients times twice limits.smtp_message_size_max (the received text and
    // its sealed copy), with no total cap.
    net::listener_config listener_config;
    listener_config.proto = "smtp";
    listener_config.connections_per_address_max =
        runtime->service.limits.connections_per_address_max;
    listener_config.busy_reply = net::smtp_busy_reply(settings.server.hostname);
    for (const config::listen_address& address : settings.listen.smtp) {
        listener_config.endpoints.emplace_back(boost::asio::ip::make_address(address.host),
                                               address.port);
    }

    const net::smtp_service& service = runtime->service;
    runtime->listener = std::make_unique<net::listener>(
        boost::asio::make_strand(context.io()), std::move(listener_config),
        [&service](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return net::run_smtp_connection(std::move(socket), std::move(info), service);
        });
    // The listener logs event=listening for each bound address.
    runtime->listener->start();

    net::listener* listener = runtime->listener.get();
    context.on_stop([listener] { listener->stop(); });
    context.keep(std::move(runtime));
}

} // namespace skrynka::app::server
