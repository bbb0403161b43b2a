// Failed-login counting per remote address, shared by every protocol that takes a
// password or token (IMAP, POP3, submission and the admin endpoint), so a password
// guesser cannot spread its attempts over protocols.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace skrynka::policies {

// Thread-safe. Addresses are the textual IP addresses of connection_info.
// TODO: IPv6 clients are counted per /128, as connection_limiter counts them.
class login_throttle {
  public:
    using clock = std::chrono::steady_clock;

    // Allows max_failures failed logins per address within window.
    login_throttle(std::size_t max_failures, std::chrono::seconds window);

    // Returns false while address has max_failures failures younger than the window, so
    // the caller refuses the login before spending an Argon2id run on it.
    bool allowed(const std::string& address, clock::time_point now = clock::now());

    // Counts one failed login from address.
    void record_failure(const std::string& address, clock::time_point now = clock::now());

    // Returns true for the first login rejected from address within the window, and false
    // for the next ones. Callers write one audit record per lockout rather than one per
    // rejected attempt, which a client could repeat without limit.
    bool first_rejection(const std::string& address, clock::time_point now = clock::now());

    // Applies new parameters to later calls. Failures already counted are kept and
    // judged against the new window.
    void set_policy(std::size_t max_failures, std::chrono::seconds window);

  private:
    void forget_old(std::deque<clock::time_point>& failures, clock::time_point now);

    std::size_t max_failures_;
    std::chrono::seconds window_;
    std::mutex mutex_;
    std::map<std::string, std::deque<clock::time_point>> failures_;
    // When each address last got true from first_rejection.
    std::map<std::string, clock::time_point> reported_rejections_;
};

} // namespace skrynka::policies
