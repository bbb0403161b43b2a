// Per-account sending limits; see send_rate.hpp.
#include "policies/send_rate.hpp"

namespace skrynka::policies {

send_rate_limiter::send_rate_limiter(std::size_t max_messages, std::size_t max_recipients,
                                     std::chrono::seconds window)
    : max_messages_(max_messages), max_recipients_(max_recipients), window_(window) {}

void send_rate_limiter::forget_old(std::deque<clock::time_point>& events,
                                   clock::time_point now) const {
    while (!events.empty() && now - events.front() >= window_) {
        events.pop_front();
    }
}

send_rate_decision send_rate_limiter::take_recipient(std::int64_t account, bool first_recipient,
                                                     clock::time_point now) {
    const std::lock_guard lock(mutex_);
    // One entry per account that sent within the window; the deques are bounded by the
    // maxima, so memory grows with the number of accounts only.
    account_usage& usage = usage_[account];
    forget_old(usage.messages, now);
    forget_old(usage.recipients, now);

    if (first_recipient && usage.messages.size() >= max_messages_) {
        return send_rate_decision::too_many_messages;
    }
    if (usage.recipients.size() >= max_recipients_) {
        return send_rate_decision::too_many_recipients;
    }
    if (first_recipient) {
        usage.messages.push_back(now);
    }
    usage.recipients.push_back(now);
    return send_rate_decision::allowed;
}

} // namespace skrynka::policies
