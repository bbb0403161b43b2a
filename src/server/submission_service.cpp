// Submission listeners; see submission_service.hpp.
#include "src/server/submission_service.hpp"

#include "src/net/listener.hpp"
#include "src/net/smtp_connection.hpp"
#include "src/config/instance_paths.hpp"
#include "src/server/outbound_worker.hpp"
#include "src/server/service_snapshot.hpp"
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
    // SIGHUP replaces them, and each session keeps the snapshot it was accepted with.
    service_snapshot<net::smtp_service> starttls_service;
    service_snapshot<net::smtp_service> implicit_tls_service;
    std::vector<std::unique_ptr<net::listener>> listeners;
};

net::smtp_service configure(server_context& context, submission_backend& backend,
                            bool implicit_tls) {
    net::smtp_service service;
    service.proto = implicit_tls ? "submissions" : "submission";
    service.hostname = context.settings().server.hostname;
    service.limits = smtp::smtp_limits(*context.limits());
    service.tls = context.tls();
    service.backend = &backend;
    service.submission = true;
    service.received_names_client = context.settings().submission.received_names_client;
    service.implicit_tls = implicit_tls;
    return service;
}

// Gives sessions that start from now on the new limits, on both ports.
void apply_limits(submission_runtime& runtime, const policies::limit_values& limits) {
    const smtp::smtp_limits session_limits(limits);
    for (service_snapshot<net::smtp_service>* snapshot :
         {&runtime.starttls_service, &runtime.implicit_tls_service}) {
        net::smtp_service next = *snapshot->current();
        next.limits = session_limits;
        snapshot->replace(std::move(next));
    }
    for (const auto& listener : runtime.listeners) {
        listener->set_connections_per_address_max(session_limits.connections_per_address_max);
    }
}

void add_listener(submission_runtime& runtime, server_context& context,
                  const std::vector<config::listen_address>& addresses,
                  service_snapshot<net::smtp_service>& snapshot) {
    if (addresses.empty()) {
        return;
    }
    const std::shared_ptr<const net::smtp_service> started = snapshot.current();
    const net::smtp_service& service = *started;
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
        [&snapshot](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return run_with_snapshot(&net::run_smtp_connection, std::move(socket), std::move(info),
                                     snapshot.current());
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
    runtime->starttls_service.replace(configure(context, runtime->backend, false));
    runtime->implicit_tls_service.replace(configure(context, runtime->backend, true));

    add_listener(*runtime, context, listen.submission, runtime->starttls_service);
    add_listener(*runtime, context, listen.submission_tls, runtime->implicit_tls_service);

    runtime->worker->start();

    context.on_stop([runtime = runtime.get()] {
        for (const auto& listener : runtime->listeners) {
            listener->stop();
        }
    });
    context.on_limits_change([runtime = runtime.get()](const policies::limit_values& limits) {
        apply_limits(*runtime, limits);
    });
    context.keep(std::move(runtime));
}

} // namespace skrynka::app::server
