// Protocol login: unwrapping an account's secret key from the key slot that the
// presented secret opens. There is no password hash; a login succeeds exactly when a
// slot opens and the key inside matches the account's public key.
#pragma once

#include "crypto/key_slot.hpp"
#include "crypto/secret.hpp"
#include "crypto/user_keys.hpp"
#include "src/auth/key_cache.hpp"
#include "storage/directory.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::auth {

// An account whose secret key is unlocked for the length of a session. The secret key
// lives in guarded memory and is wiped when this value is destroyed.
struct unlocked_account {
    storage::account_id account = 0;
    std::string address; // canonical primary address
    crypto::user_key_pair keys;
    // Counts this session in the unlocked-key cache; empty when no cache was used.
    key_cache::lease cache_lease;
    // True when the key came from the unlocked-key cache rather than from Argon2id.
    bool from_cache = false;
};

// Builds the unlocked account of account around its unwrapped secret key.
unlocked_account unlocked_account_of(const storage::account& account,
                                     crypto::secret_bytes secret_key);

// Directory data that a login needs, read in one short step so that the slow Argon2id
// step can run without holding the directory.
struct login_candidate {
    storage::account account;
    std::vector<storage::key_slot> slots; // those a login may open, login slot first
    slot_set_fingerprint fingerprint;     // over every slot of the account
};

// Reads the active account whose primary address is login_name and its slots. Returns
// nothing when login_name is not a valid address, names no account or names a disabled
// account. Blocking (directory reads); throws storage_error when the directory cannot be
// read.
std::optional<login_candidate> find_login_candidate(storage::directory& directory,
                                                    std::string_view login_name);

// Tries secret on each slot of candidate, and returns the unlocked account when one
// opens. Without a candidate it spends one Argon2id run at unknown_user_params and
// returns nothing. Blocking (Argon2id) and thread-safe; throws crypto_error when a
// stored slot is malformed.
std::optional<unlocked_account> open_login_candidate(const std::optional<login_candidate>& candidate,
                                                     const crypto::secret_bytes& secret,
                                                     const crypto::argon2_params& unknown_user_params);

// Unlocks the account whose primary address is login_name with secret, trying its login
// slot first and then each app password slot. The recovery code is not a login secret:
// it only resets the password through the command line.
//
// Returns nothing when login_name is not a valid address, names no account, names a
// disabled account, or when no slot opens with secret. The caller cannot tell these
// apart, so neither can a client. For a name that matches no account, one Argon2id run
// at unknown_user_params is spent, so the reply takes as long as a wrong password for
// an account with one login-capable slot.
// NOTE: an account with app passwords takes one Argon2id run per slot tried, so a wrong
// password for it is slower than for an unknown name. Timing therefore shows that such
// an account exists, but never which secret is right.
//
// TODO: report which of these it was to the caller (the client still gets one reply),
// so that the session can record storage::login_failure_entry with the right reason.
//
// Blocking: Argon2id takes tens of milliseconds, so call it on the blocking pool. Throws
// storage_error when the directory cannot be read, and crypto_error when a stored slot
// is malformed (a directory edited outside skrynka).
std::optional<unlocked_account> unlock_account(storage::directory& directory,
                                               std::string_view login_name,
                                               const crypto::secret_bytes& secret,
                                               const crypto::argon2_params& unknown_user_params);

} // namespace skrynka::auth
