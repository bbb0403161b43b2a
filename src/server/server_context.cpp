#include "src/server/server_context.hpp"

#include <boost/asio/post.hpp>
#include <thread>

namespace skrynka::app::server {

namespace {

std::unique_ptr<net::tls_context_store> load_tls(const config::tls_settings& tls) {
    if (tls.certificate.empty() || tls.private_key.empty()) {
        return nullptr;
    }
    return std::make_unique<net::tls_context_store>(tls.certificate, tls.private_key);
}

} // namespace

server_context::server_context(config::settings settings, storage::directory directory,
                               storage::audit_writer& audit)
    : settings_(std::move(settings)), audit_(audit), blocking_pool_(blocking_thread_count),
      directory_executor_(blocking_pool_), directory_(std::move(directory)),
      mailboxes_(blocking_pool_, directory_executor_, directory_, audit_,
                 settings_.server.state_dir),
      tls_(load_tls(settings_.tls)), io_(static_cast<int>(io_thread_count)) {}

server_context::~server_context() {
    stop();
    blocking_pool_.join();
    // Audit calls that sessions queued post their completions to io_, so they must end
    // before io_ does. The writer runs calls in order, so an empty call waits for them.
    audit_.run_and_wait([](storage::audit_log&) {});
}

void server_context::on_stop(std::function<void()> stopper) {
    stoppers_.push_back(std::move(stopper));
}

void server_context::keep(std::shared_ptr<void> service) {
    services_.push_back(std::move(service));
}

void server_context::run() {
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < io_thread_count; ++i) {
        threads.emplace_back([this] { io_.run(); });
    }
    io_.run();
    for (std::thread& thread : threads) {
        thread.join();
    }
    // Storage calls that were queued run to their end. Their completions stay queued on
    // io_ and are destroyed with it, so no reply is sent after this point.
    blocking_pool_.join();
}

void server_context::stop() {
    for (const std::function<void()>& stopper : stoppers_) {
        stopper();
    }
    io_.stop();
}

} // namespace skrynka::app::server
