#include "src/server/server_context.hpp"

#include "src/logging/logging.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>
#include <thread>

namespace skrynka::app::server {

namespace {

std::unique_ptr<net::tls_context_store> load_tls(const config::tls_settings& tls) {
    if (tls.certificate.empty() || tls.private_key.empty()) {
        return nullptr;
    }
    return std::make_unique<net::tls_context_store>(tls.certificate, tls.private_key);
}

crypto::argon2_params unknown_user_params_of(const policies::limit_values& limits) {
    return {static_cast<std::uint64_t>(limits.argon2_ops),
            static_cast<std::uint64_t>(limits.argon2_memory_kib) * 1024};
}

// The fingerprint of the account's key slots now, or nothing when the account is gone or
// disabled, so that its cached key must go.
std::optional<auth::slot_set_fingerprint> current_fingerprint(storage::directory& directory,
                                                              storage::account_id account) {
    const std::optional<storage::account> found = directory.find_account(account);
    if (!found || found->state != storage::account_state::active) {
        return std::nullopt;
    }
    return auth::fingerprint_of(directory.list_key_slots(account));
}

} // namespace

server_context::server_context(config::settings settings, storage::directory directory,
                               storage::audit_writer& audit)
    : settings_(std::move(settings)), audit_(audit), blocking_pool_(blocking_thread_count),
      directory_executor_(directory_thread_), directory_(std::move(directory)),
      mailboxes_(blocking_pool_, directory_executor_, directory_, audit_,
                 settings_.server.state_dir),
      tls_(load_tls(settings_.tls)),
      unlocker_(std::chrono::seconds(settings_.limits.key_cache_seconds),
                static_cast<std::size_t>(settings_.limits.login_unwraps_concurrent_max),
                unknown_user_params_of(settings_.limits)),
      login_throttle_(static_cast<std::size_t>(settings_.limits.login_failures_max),
                      std::chrono::seconds(settings_.limits.login_failure_window_seconds)),
      key_cache_sweep_(directory_executor_.get_strand()),
      limits_(std::make_shared<const policies::limit_values>(settings_.limits)),
      io_(static_cast<int>(io_thread_count)) {}

server_context::~server_context() {
    stop();
    blocking_pool_.join();
    directory_thread_.join();
    // Audit calls that sessions queued post their completions to io_, so they must end
    // before io_ does. The writer runs calls in order, so an empty call waits for them.
    audit_.run_and_wait([](storage::audit_log&) {});
}

void server_context::arm_key_cache_sweep() {
    key_cache_sweep_.expires_after(key_cache_sweep_period);
    key_cache_sweep_.async_wait([this](const boost::system::error_code& error) {
        if (error || key_cache_sweep_stopped_) {
            return;
        }
        try {
            unlocker_.cache().sweep([this](storage::account_id account) {
                return current_fingerprint(directory_, account);
            });
        } catch (const std::exception& failure) {
            // The entries stay until the next sweep, which reads the directory again.
            spdlog::error("event=key_cache_sweep_failed error={}",
                          logging::log_value(failure.what()));
        }
        arm_key_cache_sweep();
    });
}

void server_context::on_stop(std::function<void()> stopper) {
    stoppers_.push_back(std::move(stopper));
}

void server_context::keep(std::shared_ptr<void> service) {
    services_.push_back(std::move(service));
}

std::shared_ptr<const policies::limit_values> server_context::limits() const {
    const std::lock_guard lock(limits_mutex_);
    return limits_;
}

void server_context::on_limits_change(std::function<void(const policies::limit_values&)> apply) {
    limit_appliers_.push_back(std::move(apply));
}

void server_context::apply_limits(const policies::limit_values& limits) {
    auto fresh = std::make_shared<const policies::limit_values>(limits);
    {
        const std::lock_guard lock(limits_mutex_);
        limits_ = fresh;
    }
    login_throttle_.set_policy(static_cast<std::size_t>(limits.login_failures_max),
                               std::chrono::seconds(limits.login_failure_window_seconds));
    for (const auto& apply : limit_appliers_) {
        apply(limits);
    }
}

void server_context::run() {
    // Armed here, not at construction, so that serve's start-up may still use the
    // directory from its own thread until now.
    if (settings_.limits.key_cache_seconds > 0) {
        boost::asio::post(directory_executor_.get_strand(), [this] { arm_key_cache_sweep(); });
    }
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
    directory_thread_.join();
}

void server_context::stop() {
    for (const std::function<void()>& stopper : stoppers_) {
        stopper();
    }
    // The timer belongs to the directory's strand, so it is cancelled there.
    boost::asio::post(directory_executor_.get_strand(), [this] {
        key_cache_sweep_stopped_ = true;
        key_cache_sweep_.cancel();
    });
    io_.stop();
}

} // namespace skrynka::app::server
