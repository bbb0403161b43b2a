// Stored bearer tokens of the admin endpoint, in the admin_tokens table of directory.db
// (directory migration 3). Only a BLAKE2b-256 hash of each token is stored; the token
// itself is shown once when it is created and never kept.
//
// Every call throws storage_error on a database failure (io_error, busy, ...) in addition
// to the errors listed. Not thread-safe: call on the directory's executor, like every other
// directory call.
#pragma once

#include "crypto/hash.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

struct admin_token {
    std::int64_t id = 0;
    std::string label;
    crypto::digest hash{};
    std::int64_t created = 0; // seconds since the Unix epoch
};

// Adds a token hash under label. Returns its id. Throws already_exists when a token with
// that label exists, invalid_argument for an empty label or one over 64 bytes.
std::int64_t add_admin_token(database& db, std::string_view label, const crypto::digest& hash);

// Lists every token in creation order.
std::vector<admin_token> list_admin_tokens(database& db);

// Removes the token with this label. Throws not_found when there is none.
void remove_admin_token(database& db, std::string_view label);

} // namespace skrynka::storage
