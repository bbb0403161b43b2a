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
std::vector<storage::key_slot> login_slots(storage::directory& directory,
                                           storage::account_id account) {
    std::vector<storage::key_slot> slots;
    for (auto& slot : directory.list_key_slots(account)) {
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

std::optional<unlocked_account> unlock_account(storage::directory& directory,
                                               std::string_view login_name,
                                               const crypto::secret_bytes& secret,
                                               const crypto::argon2_params& unknown_user_params) {
    auto account = find_login_account(directory, login_name);
    if (!account || account->state != storage::account_state::active) {
        crypto::spend_failed_login_cost(secret, unknown_user_params);
        return std::nullopt;
    }

    for (const auto& slot : login_slots(directory, account->id)) {
        auto secret_key = open_slot(slot, secret);
        if (!secret_key) {
            continue;
        }
        // A slot that opens but contains another account's key means the directory was
        // edited outside skrynka, so reject the login rather than hand out a useless key.
        if (!crypto::user_keys_match(account->public_key, *secret_key)) {
            return std::nullopt;
        }

        unlocked_account unlocked;
        unlocked.account = account->id;
        unlocked.address = account->address;
        std::copy(account->public_key.begin(), account->public_key.end(),
                  unlocked.keys.public_key.begin());
        unlocked.keys.secret_key = std::move(*secret_key);
        return unlocked;
    }
    return std::nullopt;
}

} // namespace skrynka::auth
