#include "src/cli/audit_upkeep.hpp"

#include "src/logging/logging.hpp"
#include "storage/error.hpp"

#include <spdlog/spdlog.h>

namespace skrynka::app::cli {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr std::int64_t milliseconds_per_day = 24LL * 60 * 60 * 1000;

} // namespace

audit_upkeep::audit_upkeep(boost::asio::any_io_executor executor, storage::audit_log& log,
                           std::chrono::seconds check_period, std::int64_t retention_days)
    : timer_(std::move(executor)), log_(log), check_period_(check_period), retention_days_(retention_days) {}

void audit_upkeep::start() {
    check();
    arm();
}

void audit_upkeep::stop() {
    stopped_ = true;
    timer_.cancel();
}

void audit_upkeep::arm() {
    if (stopped_) {
        return;
    }
    timer_.expires_after(check_period_);
    timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || stopped_) {
            return;
        }
        check();
        arm();
    });
}

void audit_upkeep::check() {
    const std::int64_t now = now_ms();
    try {
        if (auto written = log_.maybe_checkpoint(now)) {
            spdlog::debug("event=audit_checkpoint sequence={}", written->sequence);
        }
        if (std::chrono::steady_clock::now() >= next_prune_) {
            const auto pruned = log_.prune(now - retention_days_ * milliseconds_per_day);
            if (pruned.removed > 0) {
                spdlog::info("event=audit_prune removed={} through={}", pruned.removed,
                             pruned.cut.sequence);
            }
            next_prune_ = std::chrono::steady_clock::now() + std::chrono::hours(24);
        }
    } catch (const storage::storage_error& error) {
        spdlog::error("event=audit_upkeep_failed error={}", logging::log_value(error.what()));
    }
}

} // namespace skrynka::app::cli
