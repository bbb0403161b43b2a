// The settings a protocol service hands to each new session, replaceable while sessions
// run: SIGHUP swaps in a new value, and every session keeps the one it started with.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <utility>

namespace skrynka::app::server {

// Thread-safe. A session takes current() once, at accept, and holds the pointer until it
// ends, so a replace() never changes what an open session sees and never frees a value
// that a session still reads.
template <class Service> class service_snapshot {
  public:
    service_snapshot() : service_snapshot(Service{}) {}
    explicit service_snapshot(Service initial)
        : current_(std::make_shared<const Service>(std::move(initial))) {}

    std::shared_ptr<const Service> current() const {
        const std::lock_guard lock(mutex_);
        return current_;
    }

    // Sessions accepted after this call get next.
    void replace(Service next) {
        std::shared_ptr<const Service> fresh = std::make_shared<const Service>(std::move(next));
        {
            const std::lock_guard lock(mutex_);
            current_.swap(fresh);
        }
        // fresh now holds the previous value, released outside the lock.
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Service> current_;
};

// Runs one session with run(socket, info, *service, extra...), holding the snapshot in the
// coroutine frame until the session ends. run is a connection function of src/net.
template <class Service, class Run, class Info, class... Extra>
boost::asio::awaitable<void> run_with_snapshot(Run run, boost::asio::ip::tcp::socket socket,
                                               Info info, std::shared_ptr<const Service> service,
                                               Extra... extra) {
    // clang-tidy 14 takes the coroutine's own copy of its parameters for a use of socket
    // after the move below, in whatever form the call is written.
    // NOLINTNEXTLINE(bugprone-use-after-move)
    co_await run(std::move(socket), std::move(info), *service, extra...);
}

} // namespace skrynka::app::server
