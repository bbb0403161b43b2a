#include "src/auth/account_unlock.hpp"

#include "src/auth/account_key_slots.hpp"
#include "storage/address.hpp"
#include "storage/error.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace skrynka::auth {
namespace {

std::optional<storage::account> find_login_account(storage::directory& directory,
                                                   std::string_view login_name) {
    std::string canonical;
    try {
        canonical = storage::canonical_address(login_name);
    } catch (const storage::storage_error& error) {
        if (error.code() == storage::errc::invalid_argument) {
            return std::nullopt;
        }
        throw;
    }
    return directory.find_account(canonical);
}

// The slots a protocol login may open, login slot first: most logins use it, so most
// logins cost one Argon2id run.
std::vector<storage::key_slot> login_slots(std::vector<storage::key_slot> all_slots) {
    std::vector<storage::key_slot> slots;
    for (auto& slot : all_slots) {
        if (slot.label == login_slot_label || app_password_name(slot.label)) {
            slots.push_back(std::move(slot));
        }
    }
    std::stable_partition(slots.begin(), slots.end(), [](const storage::key_slot& slot) {
        return slot.label == login_slot_label;
    });
    return slots;
}

} // namespace

unlocked_account unlocked_account_of(const storage::account& account,
                                     crypto::secret_bytes secret_key) {
    unlocked_account unlocked;
    unlocked.account = account.id;
    unlocked.address = account.address;
    std::copy(account.public_key.begin(), account.public_key.end(),
              unlocked.keys.public_key.begin());
    unlocked.keys.secret_key = std::move(secret_key);
    return unlocked;
}

std::optional<login_candidate> find_login_candidate(storage::directory& directory,
                                                    std::string_view login_name) {
    std::optional<storage::account> account = find_login_account(directory, login_name);
    if (!account || account->state != storage::account_state::active) {
        return std::nullopt;
    }
    login_candidate candidate;
    std::vector<storage::key_slot> all_slots = directory.list_key_slots(account->id);
    candidate.fingerprint = fingerprint_of(all_slots);
    candidate.slots = login_slots(std::move(all_slots));
    candidate.account = std::move(*account);
    return candidate;
}

std::optional<unlocked_account> open_login_candidate(const std::optional<login_candidate>& candidate,
                                                     const crypto::secret_bytes& secret,
                                                     const crypto::argon2_params& unknown_user_params) {
    if (!candidate) {
        crypto::spend_failed_login_cost(secret, unknown_user_params);
        return std::nullopt;
    }

    const storage::account& account = candidate->account;
    for (const auto& slot : candidate->slots) {
        auto secret_key = open_slot(slot, secret);
        if (!secret_key) {
            continue;
        }
        // A slot that opens but contains another account's key means the directory was
        // edited outside skrynka, so reject the login rather than hand out a useless key.
        if (!crypto::user_keys_match(account.public_key, *secret_key)) {
            return std::nullopt;
        }
        return unlocked_account_of(account, std::move(*secret_key));
    }
    return std::nullopt;
}

std::optional<unlocked_account> unlock_account(storage::directory& directory,
                                               std::string_view login_name,
                                               const crypto::secret_bytes& secret,
                                               const crypto::argon2_params& unknown_user_params) {
    return open_login_candidate(find_login_candidate(directory, login_name), secret,
                                unknown_user_params);
}

} // namespace skrynka::auth
