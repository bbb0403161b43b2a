// Per-remote-address connection counting, so one client cannot take every session slot.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace skrynka::net {

// Thread-safe. Slots may outlive the limiter.
// TODO: IPv6 clients are counted per /128, so one holder of a /64 can open many slots.
class connection_limiter {
    struct state {
        std::mutex mutex;
        std::map<std::string, std::size_t> counts;
    };

  public:
    // One open connection from `address`; releases its count when destroyed.
    class slot {
      public:
        slot(std::shared_ptr<state> owner, std::string address);
        slot(slot&& other) noexcept = default;
        slot& operator=(slot&&) = delete;
        slot(const slot&) = delete;
        slot& operator=(const slot&) = delete;
        ~slot();

      private:
        std::shared_ptr<state> owner_;
        std::string address_;
    };

    explicit connection_limiter(std::size_t max_per_address);

    // Returns a slot, or nothing when `address` already has the maximum open.
    std::optional<slot> try_acquire(const std::string& address);

    // Open connections from `address`.
    std::size_t count(const std::string& address) const;
    // Applies to later try_acquire calls; connections already counted stay open even
    // when they are now over the new maximum.
    void set_max_per_address(std::size_t max_per_address) noexcept;
    std::size_t max_per_address() const noexcept;

  private:
    std::atomic<std::size_t> max_per_address_;
    std::shared_ptr<state> state_;
};

} // namespace skrynka::net
