// The unlocked-key cache: after a login has unwrapped an account's secret key, a copy
// stays in guarded memory while the account has sessions and for a set lifetime after
// its last session ends. A later login with the same secret then skips Argon2id.
//
// Exposure: the cache keeps secret keys of logged-out users in memory for that lifetime,
// so a live attacker with root can read them then. The lifetime is a policy, and 0
// turns the cache off.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "storage/directory.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace skrynka::auth {

// BLAKE2b over every key slot of an account (id, kind, label and sealed blob). Sealing a
// slot draws a fresh salt and nonce, so a password change, a recovery, a new or revoked
// app password and a wipe each change it.
using slot_set_fingerprint = crypto::digest;

// Computes the fingerprint of an account's slots as directory::list_key_slots returns them.
slot_set_fingerprint fingerprint_of(const std::vector<storage::key_slot>& slots);

// Thread-safe. An entry holds the account's secret key, the fingerprint of the slots it
// was unwrapped from, and keyed BLAKE2b digests of the secrets that unwrapped it. The
// digest key is random per cache, so a digest is useless outside this process.
class key_cache {
    struct state;

  public:
    using clock = std::chrono::steady_clock;

    // Most secrets remembered per account: the login password and a few app passwords.
    static constexpr std::size_t secrets_per_entry_max = 4;

    // A lifetime of zero disables the cache: find() always misses and store() keeps
    // nothing.
    explicit key_cache(std::chrono::seconds lifetime);

    // One session of an account. While any lease of the account exists, its entry does
    // not expire. Destroying the last lease starts the lifetime. Leases may outlive the
    // cache.
    class lease {
      public:
        lease() noexcept = default;
        lease(std::shared_ptr<state> owner, storage::account_id account) noexcept;
        lease(lease&& other) noexcept;
        lease& operator=(lease&& other) noexcept;
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease();

      private:
        void release() noexcept;

        std::shared_ptr<state> owner_;
        storage::account_id account_ = 0;
    };

    // Returns a copy of the cached secret key of account when its entry was made from
    // slots with fingerprint current and one of its digests matches secret (compared in
    // constant time). An entry with another fingerprint is evicted at once, because the
    // slots changed since it was made. A secret that does not match leaves the entry as
    // it was, so failed logins never touch it.
    std::optional<crypto::secret_bytes> find(storage::account_id account,
                                             const slot_set_fingerprint& current,
                                             const crypto::secret_bytes& secret);

    // Remembers secret_key after secret unwrapped it from slots with fingerprint. An
    // entry with another fingerprint is replaced; otherwise secret's digest is added.
    void store(storage::account_id account, const slot_set_fingerprint& fingerprint,
               const crypto::secret_bytes& secret, const crypto::secret_bytes& secret_key);

    // Counts one session of account until the returned lease is destroyed.
    [[nodiscard]] lease open_session(storage::account_id account);

    // Wipes the entry of account, if any.
    void evict(storage::account_id account);

    // Wipes every entry whose account has had no session for the lifetime, then asks
    // current_fingerprint for each remaining account and wipes those whose slots changed
    // (nothing returned means the account is gone or disabled). current_fingerprint
    // runs without the cache's lock held, so it may block on the directory.
    void sweep(const std::function<std::optional<slot_set_fingerprint>(storage::account_id)>&
                   current_fingerprint,
               clock::time_point now = clock::now());

    // Number of cached secret keys.
    std::size_t size() const;

    std::chrono::seconds lifetime() const noexcept { return lifetime_; }

  private:
    std::chrono::seconds lifetime_;
    std::shared_ptr<state> state_;
};

} // namespace skrynka::auth
