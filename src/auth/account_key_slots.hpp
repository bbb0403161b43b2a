// The key slots of an account as the user commands and protocol logins use them: one
// login slot, one recovery slot, and one slot per app password, each identified by its
// label.
#pragma once

#include "crypto/secret.hpp"
#include "policies/limits.hpp"
#include "storage/directory.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::auth {

enum class slot_purpose { login, app_password, recovery };

inline constexpr std::string_view login_slot_label = "login";
inline constexpr std::string_view recovery_slot_label = "recovery";

// Returns the slot label of the app password named name: "app-password:NAME". The
// prefix keeps app password names apart from the login and recovery labels.
std::string app_password_slot_label(std::string_view name);

// Returns the app password name of a slot label, or nothing for another slot.
std::optional<std::string> app_password_name(std::string_view slot_label);

// Returns the kind number that the directory stores for purpose.
int slot_kind_of(slot_purpose purpose);

// Wraps user_secret_key under secret for account with Argon2id at the limits'
// argon2_ops and argon2_memory_kib, and returns the encoded slot for the directory.
// The account id is the slot's context, so the slot opens for this account only.
// Throws crypto_error as crypto::seal_key_slot does.
std::vector<unsigned char> seal_slot(const crypto::secret_bytes& user_secret_key,
                                     const crypto::secret_bytes& secret, slot_purpose purpose,
                                     storage::account_id account,
                                     const policies::limit_values& limits);

// Unwraps the user secret key from slot with secret. Returns nothing when secret does
// not open it. Throws crypto_error when the stored slot is malformed or its kind
// differs from the kind the directory records for it.
std::optional<crypto::secret_bytes> open_slot(const storage::key_slot& slot,
                                              const crypto::secret_bytes& secret);

// Finds the account's slot with label. Returns nothing when there is none.
std::optional<storage::key_slot> find_slot(storage::directory& directory,
                                           storage::account_id account, std::string_view label);

} // namespace skrynka::auth
