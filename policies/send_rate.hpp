// Per-account sending limits for submission: how many messages and recipients one
// account may send within a sliding hour, so that a stolen password or a compromised
// client cannot turn the server into a spam source.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>

namespace skrynka::policies {

enum class send_rate_decision {
    allowed,
    too_many_messages,   // the account reached its messages per hour
    too_many_recipients, // the account reached its recipients per hour
};

// Thread-safe. Accounts are the directory's account ids.
class send_rate_limiter {
  public:
    using clock = std::chrono::steady_clock;

    // Allows max_messages transactions and max_recipients recipients per account within
    // window.
    send_rate_limiter(std::size_t max_messages, std::size_t max_recipients,
                      std::chrono::seconds window);

    // Decides on one more recipient for account and counts it when allowed. When
    // first_recipient is true the recipient opens a new message, which is counted as well.
    // A message is counted when its first recipient is accepted, so transactions that
    // the client later abandons still count: the limit is on attempts, not on deliveries.
    send_rate_decision take_recipient(std::int64_t account, bool first_recipient,
                                      clock::time_point now = clock::now());

  private:
    struct account_usage {
        std::deque<clock::time_point> messages;
        std::deque<clock::time_point> recipients;
    };

    void forget_old(std::deque<clock::time_point>& events, clock::time_point now) const;

    std::size_t max_messages_;
    std::size_t max_recipients_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::map<std::int64_t, account_usage> usage_;
};

} // namespace skrynka::policies
