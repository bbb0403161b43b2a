// Bearer tokens of the admin endpoint: how one is made, hashed for storage, and checked.
// A token is "skt_" followed by 64 lowercase hex digits (32 random bytes). Only its
// BLAKE2b-256 hash is stored, so the table gives nothing a client could present. All
// functions are thread-safe.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "storage/admin_tokens.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::app::admin {

inline constexpr std::string_view admin_token_prefix = "skt_";

// Returns a new random token, in guarded memory.
crypto::secret_bytes generate_admin_token();

// Returns the hash stored for token.
crypto::digest hash_admin_token(std::span<const unsigned char> token);

// Returns the label of the stored token that presented matches, or nullopt. Every stored
// hash is compared in constant time, and the loop never ends early, so the time taken
// does not depend on which token matched or how much of a hash did.
std::optional<std::string> match_admin_token(const std::vector<storage::admin_token>& stored,
                                             std::string_view presented);

// Returns true when label is 1 to 64 characters of letters, digits, '.', '_' and '-'.
bool is_valid_admin_token_label(std::string_view label);

} // namespace skrynka::app::admin
