// The login step shared by IMAP, POP3 and submission: the unlocked-key cache in front
// of Argon2id, and a bound on how many Argon2id unwraps run at once.
#pragma once

#include "crypto/key_slot.hpp"
#include "src/auth/account_unlock.hpp"
#include "src/auth/key_cache.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>

namespace skrynka::auth {

// Thread-safe. Protocols read a login_candidate from the directory on the directory's
// executor, then call unlock() on the blocking pool.
class account_unlocker {
  public:
    // cache_lifetime is limits.key_cache_seconds (0 disables the cache). At most
    // concurrent_unwraps_max Argon2id runs happen at once, each allocating
    // unknown_user_params.mem_limit_bytes or what the slot asks for.
    account_unlocker(std::chrono::seconds cache_lifetime, std::size_t concurrent_unwraps_max,
                     crypto::argon2_params unknown_user_params);

    // Unlocks candidate with secret: from the cache when the account's slots are
    // unchanged and secret matches a cached digest, else by Argon2id as
    // open_login_candidate does, remembering the key in the cache on success. A returned
    // account carries a lease that counts the session for the cache. Returns nothing for
    // a missing candidate or a wrong secret, and then never changes the cache.
    //
    // Blocking: may wait for a free unwrap slot, then runs Argon2id. Throws crypto_error
    // when a stored slot is malformed.
    std::optional<unlocked_account> unlock(const std::optional<login_candidate>& candidate,
                                           const crypto::secret_bytes& secret);

    key_cache& cache() noexcept { return cache_; }

    // Number of logins answered from the cache and by Argon2id since start.
    std::size_t cache_hits() const;
    std::size_t unwraps() const;
    // Largest number of unwraps that have run at the same time since start.
    std::size_t unwraps_running_peak() const;

  private:
    std::optional<unlocked_account> unwrap(const std::optional<login_candidate>& candidate,
                                           const crypto::secret_bytes& secret);

    key_cache cache_;
    crypto::argon2_params unknown_user_params_;
    std::size_t concurrent_unwraps_max_;

    mutable std::mutex mutex_;
    std::condition_variable unwrap_finished_;
    std::size_t unwraps_running_ = 0;
    std::size_t unwraps_running_peak_ = 0;
    std::size_t cache_hits_ = 0;
    std::size_t unwraps_ = 0;
};

} // namespace skrynka::auth
