// Failed-login counting; see login_throttle.hpp.
#include "policies/login_throttle.hpp"

#include <iterator>

namespace skrynka::policies {

namespace {

// Addresses tracked before a failure sweeps out those with no failure in the window.
constexpr std::size_t sweep_threshold = 10000;

} // namespace

login_throttle::login_throttle(std::size_t max_failures, std::chrono::seconds window)
    : max_failures_(max_failures), window_(window) {}

void login_throttle::forget_old(std::deque<clock::time_point>& failures, clock::time_point now) {
    while (!failures.empty() && now - failures.front() >= window_) {
        failures.pop_front();
    }
}

bool login_throttle::allowed(const std::string& address, clock::time_point now) {
    const std::lock_guard lock(mutex_);
    const auto found = failures_.find(address);
    if (found == failures_.end()) {
        return true;
    }
    forget_old(found->second, now);
    if (found->second.empty()) {
        failures_.erase(found);
        return true;
    }
    return found->second.size() < max_failures_;
}

void login_throttle::record_failure(const std::string& address, clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (failures_.size() >= sweep_threshold) {
        for (auto entry = failures_.begin(); entry != failures_.end();) {
            forget_old(entry->second, now);
            entry = entry->second.empty() ? failures_.erase(entry) : std::next(entry);
        }
    }
    std::deque<clock::time_point>& failures = failures_[address];
    forget_old(failures, now);
    // At most max_failures entries are kept, so one address costs bounded memory. A
    // loop, because set_policy may have lowered the maximum below what is kept.
    while (!failures.empty() && failures.size() >= max_failures_) {
        failures.pop_front();
    }
    failures.push_back(now);
}

bool login_throttle::first_rejection(const std::string& address, clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (reported_rejections_.size() >= sweep_threshold) {
        std::erase_if(reported_rejections_,
                      [&](const auto& entry) { return now - entry.second >= window_; });
    }
    const auto [entry, added] = reported_rejections_.try_emplace(address, now);
    if (added) {
        return true;
    }
    if (now - entry->second >= window_) {
        entry->second = now;
        return true;
    }
    return false;
}

void login_throttle::set_policy(std::size_t max_failures, std::chrono::seconds window) {
    const std::lock_guard lock(mutex_);
    max_failures_ = max_failures;
    window_ = window;
}

} // namespace skrynka::policies
