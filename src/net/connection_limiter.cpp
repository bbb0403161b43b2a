// Per-remote-address connection counting; see connection_limiter.hpp.
#include "src/net/connection_limiter.hpp"

namespace skrynka::net {

connection_limiter::slot::slot(std::shared_ptr<state> owner, std::string address)
    : owner_(std::move(owner)), address_(std::move(address)) {}

connection_limiter::slot::~slot() {
    if (!owner_) {
        return; // moved from
    }
    std::lock_guard lock(owner_->mutex);
    const auto entry = owner_->counts.find(address_);
    if (entry != owner_->counts.end() && --entry->second == 0) {
        owner_->counts.erase(entry);
    }
}

connection_limiter::connection_limiter(std::size_t max_per_address)
    : max_per_address_(max_per_address), state_(std::make_shared<state>()) {}

std::optional<connection_limiter::slot>
connection_limiter::try_acquire(const std::string& address) {
    std::lock_guard lock(state_->mutex);
    std::size_t& count = state_->counts[address];
    if (count >= max_per_address_) {
        if (count == 0) {
            state_->counts.erase(address);
        }
        return std::nullopt;
    }
    ++count;
    return slot(state_, address);
}

std::size_t connection_limiter::count(const std::string& address) const {
    std::lock_guard lock(state_->mutex);
    const auto entry = state_->counts.find(address);
    return entry == state_->counts.end() ? 0 : entry->second;
}

void connection_limiter::set_max_per_address(std::size_t max_per_address) noexcept {
    max_per_address_.store(max_per_address);
}

std::size_t connection_limiter::max_per_address() const noexcept {
    return max_per_address_.load();
}

} // namespace skrynka::net
