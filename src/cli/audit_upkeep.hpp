// The audit log's periodic duties in a running server: a signed checkpoint once the
// oldest unsigned record is older than limits.audit_checkpoint_seconds, and pruning of
// records older than limits.audit_retention_days.
#pragma once

#include "storage/audit_log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

namespace skrynka::app::cli {

// Runs its checks on executor: once at start(), then every check_period, and prunes at
// most once a day. A check that fails with storage_error is logged with the
// error and retried at the next period, so a busy database does not stop the server.
// Other exceptions propagate out of the executor's run(). The log must outlive this
// object.
//
// Not thread-safe: call start before the executor runs, and stop on the executor.
// NOTE: the checks call SQLite on the io_context's thread. That is fine while serve has
// no listeners, but belongs on the storage executor once sessions share the thread.
class audit_upkeep {
  public:
    audit_upkeep(boost::asio::any_io_executor executor, storage::audit_log& log,
                 std::chrono::seconds check_period, std::int64_t retention_days);

    void start();
    // Cancels the timer, so that the executor's run() can return.
    void stop();

  private:
    void check();
    void arm();

    boost::asio::steady_timer timer_;
    storage::audit_log& log_;
    std::chrono::seconds check_period_;
    std::int64_t retention_days_;
    std::chrono::steady_clock::time_point next_prune_{};
    bool stopped_ = false;
};

} // namespace skrynka::app::cli
