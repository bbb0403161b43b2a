// Submission listeners; see submission_service.hpp.
#include "src/server/submission_service.hpp"

#include "src/net/listener.hpp"
#include "src/net/smtp_connection.hpp"
#include "src/config/instance_paths.hpp"
#include "src/server/outbound_worker.hpp"
#include "src/server/submission_backend.hpp"
#include "storage/key_file.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace skrynka::app::server {

namespace {

// Objects that live as long as the server context.
struct submission_runtime {
    submission_runtime(server_context& context, storage::outbound_queue opened_queue,
                       std::map<std::string, std::vector<delivery::dkim_key>> dkim_keys)
        : queue(std::move(opened_queue)), queue_executor(context.blocking_pool()),
          backend(context, queue, queue_executor, std::move(dkim_keys)),
          worker(std::make_shared<outbound_worker>(context, queue, queue_executor)) {}

    storage::outbound_queue queue;
    storage::executor queue_executor;
    submission_backend backend;
    std::shared_ptr<outbound_worker> worker;
    net::smtp_service starttls_service;
    net::smtp_service implicit_tls_service;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

void configure(net::smtp_service& service, server_context& context, submission_backend& backend) {
    const config::settings& settings = context.settings();
    service.hostname = settings.server.hostname;
    service.limits = smtp::smtp_limits(settings.limits);
    service.tls = context.tls();
    service.backend = &backend;
    service.submission = true;
}

void add_listener(submission_runtime& runtime, server_context& context,
                  const std::vector<config::listen_address>& addresses,
                  const net::smtp_service& service) {
    if (addresses.empty()) {
        return;
    }
    net::listener_config config;
    config.proto = service.proto;
    config.connections_per_address_max = service.limits.connections_per_address_max;
    // A client of the implicit TLS port expects a handshake, so cleartext would only
    // confuse it; that port closes over-limit connections without a reply.
    if (!service.implicit_tls) {
        config.busy_reply = net::smtp_busy_reply(service.hostname);
    }
    for (const config::listen_address& address : addresses) {
        config.endpoints.emplace_back(boost::asio::ip::make_address(address.host), address.port);
    }
    auto listener = std::make_unique<net::listener>(
        boost::asio::make_strand(context.io()), std::move(config),
        [&service](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return net::run_smtp_connection(std::move(socket), std::move(info), service);
        });
    // The listener logs event=listening for each bound address.
    listener->start();
    runtime.listeners.push_back(std::move(listener));
}

} // namespace

void start_submission_service(server_context& context) {
    const config::listen_settings& listen = context.settings().listen;
    if (listen.submission.empty() && listen.submission_tls.empty()) {
        return;
    }
    if (context.tls() == nullptr) {
        throw std::runtime_error(
            "submission.listen and submission.listen_tls need a certificate, because AUTH is "
            "offered only over TLS: set tls.certificate and tls.private_key, or clear both lists");
    }

    const config::instance_paths paths =
        config::instance_paths::under(context.settings().server.state_dir);
    storage::outbound_queue queue = storage::outbound_queue::open(
        paths.queue_database, storage::read_storage_key(paths.storage_key),
        storage::open_mode::open_or_create);
    auto dkim_keys = delivery::load_dkim_keys(paths.keys_dir / "dkim");
    for (const auto& [domain, keys] : dkim_keys) {
        for (const delivery::dkim_key& key : keys) {
            spdlog::info("event=dkim_key_loaded domain={} selector={}", domain, key.selector);
        }
    }
    auto runtime =
        std::make_shared<submission_runtime>(context, std::move(queue), std::move(dkim_keys));
    configure(runtime->starttls_service, context, runtime->backend);
    runtime->starttls_service.proto = "submission";
    configure(runtime->implicit_tls_service, context, runtime->backend);
    runtime->implicit_tls_service.proto = "submissions";
    runtime->implicit_tls_service.implicit_tls = true;

    add_listener(*runtime, context, listen.submission, runtime->starttls_service);
    add_listener(*runtime, context, listen.submission_tls, runtime->implicit_tls_service);

    runtime->worker->start();

    context.on_stop([runtime = runtime.get()] {
        for (const auto& listener : runtime->listeners) {
            listener->stop();
        }
    });
    context.keep(std::move(runtime));
}

} // namespace skrynka::app::server
