#include "src/cli/audit_upkeep.hpp"

#include "src/logging/logging.hpp"
#include "storage/error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
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

audit_upkeep::audit_upkeep(const boost::asio::any_io_executor& executor,
                           storage::audit_writer& writer, std::chrono::seconds check_period,
                           std::int64_t retention_days)
    : timer_(boost::asio::make_strand(executor)), writer_(writer), check_period_(check_period),
      retention_days_(retention_days) {}

void audit_upkeep::start() {
    boost::asio::co_spawn(timer_.get_executor(), run(), boost::asio::detached);
}

void audit_upkeep::stop() {
    boost::asio::post(timer_.get_executor(), [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

boost::asio::awaitable<void> audit_upkeep::run() {
    while (!stopped_) {
        co_await check();
        if (stopped_) {
            break;
        }
        timer_.expires_after(check_period_);
        boost::system::error_code error;
        co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, error));
        if (error) {
            break;
        }
    }
}

boost::asio::awaitable<void> audit_upkeep::check() {
    const std::int64_t now = now_ms();
    try {
        const auto written = co_await writer_.run(
            [now](storage::audit_log& log) { return log.maybe_checkpoint(now); });
        if (written) {
            spdlog::debug("event=audit_checkpoint sequence={}", written->sequence);
        }
        if (std::chrono::steady_clock::now() >= next_prune_) {
            const std::int64_t before = now - retention_days_ * milliseconds_per_day;
            const auto pruned = co_await writer_.run(
                [before](storage::audit_log& log) { return log.prune(before); });
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
