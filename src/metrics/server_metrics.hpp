// Process-wide counters of the mail server, exported in the Prometheus text format on
// the admin endpoint's /metrics. Each counter is a relaxed atomic, so a protocol session
// adds to it with one call from any thread and never waits. Counters start at zero when
// the process starts and only grow, as Prometheus expects of a counter.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace skrynka::metrics {

enum class protocol : std::size_t {
    smtp,
    submission,
    imap,
    pop3,
    admin,
};
inline constexpr std::size_t protocol_count = 5;

// Returns the label value of a protocol, for example "imap".
std::string_view protocol_name(protocol value) noexcept;

enum class counter : std::size_t {
    connections,      // accepted connections, by protocol
    commands,         // commands or requests read, by protocol
    logins_succeeded, // by protocol
    logins_failed,    // by protocol
};
inline constexpr std::size_t counter_count = 4;

// The counters of one process. Thread-safe.
class registry {
  public:
    void add(counter which, protocol by, std::uint64_t amount = 1) noexcept {
        cells_[index(which, by)].fetch_add(amount, std::memory_order_relaxed);
    }
    std::uint64_t value(counter which, protocol by) const noexcept {
        return cells_[index(which, by)].load(std::memory_order_relaxed);
    }

    // Messages stored by delivery, and messages removed by expunge, over every protocol.
    void add_delivered(std::uint64_t amount = 1) noexcept {
        delivered_.fetch_add(amount, std::memory_order_relaxed);
    }
    void add_expunged(std::uint64_t amount) noexcept {
        expunged_.fetch_add(amount, std::memory_order_relaxed);
    }
    std::uint64_t delivered() const noexcept { return delivered_.load(std::memory_order_relaxed); }
    std::uint64_t expunged() const noexcept { return expunged_.load(std::memory_order_relaxed); }

  private:
    static constexpr std::size_t index(counter which, protocol by) noexcept {
        return static_cast<std::size_t>(which) * protocol_count + static_cast<std::size_t>(by);
    }

    std::array<std::atomic<std::uint64_t>, counter_count * protocol_count> cells_{};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> expunged_{0};
};

// Returns the registry of this process.
registry& server_metrics() noexcept;

// Adds one to a counter of the process registry: the one line a protocol service adds.
inline void count(counter which, protocol by) noexcept {
    server_metrics().add(which, by);
}

} // namespace skrynka::metrics
