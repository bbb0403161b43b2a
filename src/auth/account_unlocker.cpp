// The cached, bounded login step; see account_unlocker.hpp.
#include "src/auth/account_unlocker.hpp"

#include <algorithm>

namespace skrynka::auth {

account_unlocker::account_unlocker(std::chrono::seconds cache_lifetime,
                                   std::size_t concurrent_unwraps_max,
                                   crypto::argon2_params unknown_user_params)
    : cache_(cache_lifetime), unknown_user_params_(unknown_user_params),
      concurrent_unwraps_max_(std::max<std::size_t>(1, concurrent_unwraps_max)) {}

std::optional<unlocked_account>
account_unlocker::unlock(const std::optional<login_candidate>& candidate,
                         const crypto::secret_bytes& secret) {
    if (candidate) {
        std::optional<crypto::secret_bytes> cached =
            cache_.find(candidate->account.id, candidate->fingerprint, secret);
        if (cached) {
            unlocked_account unlocked = unlocked_account_of(candidate->account, std::move(*cached));
            unlocked.cache_lease = cache_.open_session(unlocked.account);
            unlocked.from_cache = true;
            const std::lock_guard lock(mutex_);
            ++cache_hits_;
            return unlocked;
        }
    }

    std::optional<unlocked_account> unlocked = unwrap(candidate, secret);
    if (!unlocked) {
        return std::nullopt;
    }
    cache_.store(unlocked->account, candidate->fingerprint, secret, unlocked->keys.secret_key);
    unlocked->cache_lease = cache_.open_session(unlocked->account);
    return unlocked;
}

std::optional<unlocked_account>
account_unlocker::unwrap(const std::optional<login_candidate>& candidate,
                         const crypto::secret_bytes& secret) {
    // Each Argon2id run allocates its whole memory cost, so the bound caps the memory
    // that a burst of logins can take.
    {
        std::unique_lock lock(mutex_);
        unwrap_finished_.wait(lock, [this] { return unwraps_running_ < concurrent_unwraps_max_; });
        ++unwraps_running_;
        unwraps_running_peak_ = std::max(unwraps_running_peak_, unwraps_running_);
        ++unwraps_;
    }
    const auto finish = [this] {
        {
            const std::lock_guard lock(mutex_);
            --unwraps_running_;
        }
        unwrap_finished_.notify_one();
    };
    try {
        std::optional<unlocked_account> unlocked =
            open_login_candidate(candidate, secret, unknown_user_params_);
        finish();
        return unlocked;
    } catch (...) {
        finish();
        throw;
    }
}

std::size_t account_unlocker::cache_hits() const {
    const std::lock_guard lock(mutex_);
    return cache_hits_;
}

std::size_t account_unlocker::unwraps_running_peak() const {
    const std::lock_guard lock(mutex_);
    return unwraps_running_peak_;
}

std::size_t account_unlocker::unwraps() const {
    const std::lock_guard lock(mutex_);
    return unwraps_;
}

} // namespace skrynka::auth
