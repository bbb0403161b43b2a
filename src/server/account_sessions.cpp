// Per-account session registry; see account_sessions.hpp.
#include "src/server/account_sessions.hpp"

namespace skrynka::app::server {

struct account_sessions::state {
    struct entry {
        storage::account_id account;
        std::shared_ptr<const listener> callback;
    };

    std::mutex mutex;
    std::set<storage::account_id> locked;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, entry> listeners;
    struct session {
        storage::account_id account;
        std::weak_ptr<net::session_end> end;
    };
    std::map<std::uint64_t, session> sessions;
    std::set<storage::account_id> closed;
};

account_sessions::account_sessions() : state_(std::make_shared<state>()) {}

account_sessions::maildrop_lock::maildrop_lock(std::shared_ptr<state> owner,
                                               storage::account_id account)
    : owner_(std::move(owner)), account_(account) {}

account_sessions::maildrop_lock::~maildrop_lock() {
    if (owner_) {
        const std::lock_guard lock(owner_->mutex);
        owner_->locked.erase(account_);
    }
}

std::optional<account_sessions::maildrop_lock>
account_sessions::try_lock_maildrop(storage::account_id account) {
    const std::lock_guard lock(state_->mutex);
    if (!state_->locked.insert(account).second) {
        return std::nullopt;
    }
    return maildrop_lock(state_, account);
}

account_sessions::registration::registration(std::shared_ptr<state> owner, std::uint64_t id)
    : owner_(std::move(owner)), id_(id) {}

account_sessions::registration::~registration() {
    if (owner_) {
        const std::lock_guard lock(owner_->mutex);
        owner_->sessions.erase(id_);
    }
}

account_sessions::registration&
account_sessions::registration::operator=(registration&& other) noexcept {
    if (this != &other) {
        registration released(std::move(*this));
        owner_ = std::move(other.owner_);
        id_ = other.id_;
    }
    return *this;
}

std::optional<account_sessions::registration>
account_sessions::register_session(storage::account_id account,
                                   const std::shared_ptr<net::session_end>& end) {
    const std::lock_guard lock(state_->mutex);
    if (state_->closed.contains(account)) {
        return std::nullopt;
    }
    const std::uint64_t id = state_->next_id++;
    state_->sessions.emplace(id, state::session{account, end});
    return registration(state_, id);
}

std::size_t account_sessions::close_account(storage::account_id account) {
    // Requested without the lock: a request may run code that unregisters.
    std::vector<std::shared_ptr<net::session_end>> ends;
    {
        const std::lock_guard lock(state_->mutex);
        state_->closed.insert(account);
        for (const auto& [id, session] : state_->sessions) {
            if (session.account != account) {
                continue;
            }
            if (std::shared_ptr<net::session_end> end = session.end.lock()) {
                ends.push_back(std::move(end));
            }
        }
    }
    for (const auto& end : ends) {
        end->request();
    }
    return ends.size();
}

void account_sessions::reopen_account(storage::account_id account) {
    const std::lock_guard lock(state_->mutex);
    state_->closed.erase(account);
}

account_sessions::subscription::subscription(std::shared_ptr<state> owner, std::uint64_t id)
    : owner_(std::move(owner)), id_(id) {}

account_sessions::subscription::~subscription() {
    if (owner_) {
        const std::lock_guard lock(owner_->mutex);
        owner_->listeners.erase(id_);
    }
}

account_sessions::subscription account_sessions::subscribe(storage::account_id account,
                                                           listener callback) {
    const std::lock_guard lock(state_->mutex);
    const std::uint64_t id = state_->next_id++;
    state_->listeners.emplace(
        id, state::entry{account, std::make_shared<const listener>(std::move(callback))});
    return subscription(state_, id);
}

void account_sessions::publish(const expunge_notice& notice) {
    // Copied under the lock and called without it, so a listener may subscribe or
    // unsubscribe without a deadlock.
    std::vector<std::shared_ptr<const listener>> callbacks;
    {
        const std::lock_guard lock(state_->mutex);
        for (const auto& [id, entry] : state_->listeners) {
            if (entry.account == notice.account) {
                callbacks.push_back(entry.callback);
            }
        }
    }
    for (const auto& callback : callbacks) {
        (*callback)(notice);
    }
}

} // namespace skrynka::app::server
