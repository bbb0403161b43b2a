// The audit log's periodic duties in a running server: a signed checkpoint once the
// oldest unsigned record is older than limits.audit_checkpoint_seconds, and pruning of
// records older than limits.audit_retention_days.
#pragma once

#include "storage/audit_writer.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

namespace skrynka::app::cli {

// Checks once at start(), then every check_period, and prunes at most once a day. The
// timer runs on a strand of the given executor, and every check runs on the audit
// writer's executor, serialized with the appends. A check that fails with storage_error
// is logged with the error and retried at the next period, so a busy database does not
// stop the server. The writer must outlive this object, and the executor's context must
// not run after this object is destroyed.
//
// Thread safety: start() and stop() may be called from any thread.
class audit_upkeep {
  public:
    audit_upkeep(const boost::asio::any_io_executor& executor, storage::audit_writer& writer,
                 std::chrono::seconds check_period, std::int64_t retention_days);

    void start();
    // Cancels the timer, so that the executor's context can run out of work.
    void stop();

  private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> check();

    boost::asio::steady_timer timer_;
    storage::audit_writer& writer_;
    std::chrono::seconds check_period_;
    std::int64_t retention_days_;
    std::chrono::steady_clock::time_point next_prune_{};
    // Used only on the timer's strand.
    bool stopped_ = false;
};

} // namespace skrynka::app::cli
