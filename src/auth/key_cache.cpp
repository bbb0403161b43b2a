// The unlocked-key cache; see key_cache.hpp.
#include "src/auth/key_cache.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace skrynka::auth {

namespace {

constexpr std::size_t digest_key_size = 32;

struct cache_entry {
    slot_set_fingerprint fingerprint{};
    crypto::secret_bytes secret_key;
    // Keyed digests of the secrets that unwrapped secret_key, oldest first.
    std::vector<crypto::secret_bytes> secret_digests;
};

// Bookkeeping of one account: its cached key, if any, and its open sessions.
struct account_record {
    std::optional<cache_entry> entry;
    std::size_t sessions = 0;
    key_cache::clock::time_point last_session_end{};
};

void append_length_prefixed(std::vector<unsigned char>& out, std::span<const unsigned char> bytes) {
    const std::uint64_t size = bytes.size();
    for (int shift = 0; shift < 64; shift += 8) {
        out.push_back(static_cast<unsigned char>(size >> shift));
    }
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

} // namespace

struct key_cache::state {
    std::mutex mutex;
    crypto::secret_bytes digest_key = crypto::secret_bytes::random(digest_key_size);
    std::map<storage::account_id, account_record> accounts;

    crypto::secret_bytes digest_of(const crypto::secret_bytes& secret) const {
        crypto::secret_bytes digest(crypto::hash_size);
        crypto::hash_into(digest.bytes(), secret.bytes(), digest_key.bytes());
        return digest;
    }

    // Drops the record when it holds neither a key nor a session. Call with mutex held.
    void forget_if_unused(std::map<storage::account_id, account_record>::iterator found) {
        if (!found->second.entry && found->second.sessions == 0) {
            accounts.erase(found);
        }
    }
};

slot_set_fingerprint fingerprint_of(const std::vector<storage::key_slot>& slots) {
    // Each field is length-prefixed, so no two slot sets serialize to the same bytes.
    std::vector<unsigned char> serialized;
    for (const storage::key_slot& slot : slots) {
        const std::string id = std::to_string(slot.id) + ":" + std::to_string(slot.kind);
        append_length_prefixed(serialized, bytes_of(id));
        append_length_prefixed(serialized, bytes_of(slot.label));
        append_length_prefixed(serialized, slot.blob);
    }
    return crypto::hash(serialized);
}

key_cache::key_cache(std::chrono::seconds lifetime)
    : lifetime_(lifetime), state_(std::make_shared<state>()) {}

key_cache::lease::lease(std::shared_ptr<state> owner, storage::account_id account) noexcept
    : owner_(std::move(owner)), account_(account) {}

key_cache::lease::lease(lease&& other) noexcept
    : owner_(std::move(other.owner_)), account_(other.account_) {}

key_cache::lease& key_cache::lease::operator=(lease&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::move(other.owner_);
        account_ = other.account_;
    }
    return *this;
}

key_cache::lease::~lease() {
    release();
}

void key_cache::lease::release() noexcept {
    if (!owner_) {
        return;
    }
    const std::lock_guard lock(owner_->mutex);
    const auto found = owner_->accounts.find(account_);
    if (found != owner_->accounts.end() && found->second.sessions > 0) {
        --found->second.sessions;
        if (found->second.sessions == 0) {
            found->second.last_session_end = clock::now();
        }
        owner_->forget_if_unused(found);
    }
    owner_.reset();
}

std::optional<crypto::secret_bytes> key_cache::find(storage::account_id account,
                                                    const slot_set_fingerprint& current,
                                                    const crypto::secret_bytes& secret) {
    if (lifetime_.count() == 0) {
        return std::nullopt;
    }
    const crypto::secret_bytes digest = state_->digest_of(secret);

    const std::lock_guard lock(state_->mutex);
    const auto found = state_->accounts.find(account);
    if (found == state_->accounts.end() || !found->second.entry) {
        return std::nullopt;
    }
    cache_entry& entry = *found->second.entry;
    if (entry.fingerprint != current) {
        found->second.entry.reset();
        state_->forget_if_unused(found);
        return std::nullopt;
    }
    // Every digest is compared, so the time taken does not show which one matched.
    bool matched = false;
    for (const crypto::secret_bytes& known : entry.secret_digests) {
        matched = known.equals(digest.bytes()) || matched;
    }
    if (!matched) {
        return std::nullopt;
    }
    return crypto::secret_bytes::copy_of(entry.secret_key.bytes());
}

void key_cache::store(storage::account_id account, const slot_set_fingerprint& fingerprint,
                      const crypto::secret_bytes& secret, const crypto::secret_bytes& secret_key) {
    if (lifetime_.count() == 0) {
        return;
    }
    crypto::secret_bytes digest = state_->digest_of(secret);
    crypto::secret_bytes key_copy = crypto::secret_bytes::copy_of(secret_key.bytes());

    const std::lock_guard lock(state_->mutex);
    account_record& record = state_->accounts[account];
    if (!record.entry || record.entry->fingerprint != fingerprint) {
        record.entry.emplace();
        record.entry->fingerprint = fingerprint;
        record.entry->secret_key = std::move(key_copy);
    }
    std::vector<crypto::secret_bytes>& digests = record.entry->secret_digests;
    for (const crypto::secret_bytes& known : digests) {
        if (known.equals(digest.bytes())) {
            return;
        }
    }
    if (digests.size() >= secrets_per_entry_max) {
        digests.erase(digests.begin());
    }
    digests.push_back(std::move(digest));
}

key_cache::lease key_cache::open_session(storage::account_id account) {
    const std::lock_guard lock(state_->mutex);
    ++state_->accounts[account].sessions;
    return lease(state_, account);
}

void key_cache::evict(storage::account_id account) {
    const std::lock_guard lock(state_->mutex);
    const auto found = state_->accounts.find(account);
    if (found != state_->accounts.end()) {
        found->second.entry.reset();
        state_->forget_if_unused(found);
    }
}

void key_cache::sweep(
    const std::function<std::optional<slot_set_fingerprint>(storage::account_id)>&
        current_fingerprint,
    clock::time_point now) {
    std::vector<std::pair<storage::account_id, slot_set_fingerprint>> cached;
    {
        const std::lock_guard lock(state_->mutex);
        for (auto found = state_->accounts.begin(); found != state_->accounts.end();) {
            account_record& record = found->second;
            const auto next = std::next(found);
            if (record.entry && record.sessions == 0 &&
                now - record.last_session_end >= lifetime_) {
                record.entry.reset();
            }
            if (record.entry) {
                cached.emplace_back(found->first, record.entry->fingerprint);
            }
            state_->forget_if_unused(found);
            found = next;
        }
    }

    // The directory is read without the lock, so logins are not held up by it. An entry
    // stored meanwhile with a new fingerprint is left alone by the comparison below.
    for (const auto& [account, fingerprint] : cached) {
        const std::optional<slot_set_fingerprint> current = current_fingerprint(account);
        if (current && *current == fingerprint) {
            continue;
        }
        const std::lock_guard lock(state_->mutex);
        const auto found = state_->accounts.find(account);
        if (found != state_->accounts.end() && found->second.entry &&
            found->second.entry->fingerprint == fingerprint) {
            found->second.entry.reset();
            state_->forget_if_unused(found);
        }
    }
}

std::size_t key_cache::size() const {
    const std::lock_guard lock(state_->mutex);
    return static_cast<std::size_t>(
        std::count_if(state_->accounts.begin(), state_->accounts.end(),
                      [](const auto& item) { return item.second.entry.has_value(); }));
}

} // namespace skrynka::auth
