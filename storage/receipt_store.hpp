// Signed receipts kept in directory.db, table receipts (directory migration 3): one row
// per receipt with its JSON form as signed, its kind, account and time for listing, and
// the encoded fingerprints that `verify deletion` and `verify wipe` search for.
//
// Every call throws storage_error on a database failure. Not thread-safe: use the
// database from one thread at a time.
#pragma once

#include "crypto/receipt.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace skrynka::storage {

struct stored_receipt {
    crypto::signed_receipt receipt;
    std::vector<unsigned char> fingerprints;
};

// Inserts a receipt. Call inside a transaction that also contains the audit record the
// receipt names. Throws already_exists when the id is taken.
void insert_receipt(database& db, const crypto::signed_receipt& receipt,
                    std::span<const unsigned char> fingerprints);

// Lists the receipts of one account address (canonical form), oldest first, from
// since_ms (milliseconds since the Unix epoch) when given. Throws corrupt when a stored
// receipt does not parse.
std::vector<crypto::signed_receipt> list_receipts(database& db, std::string_view account,
                                                  std::optional<std::int64_t> since_ms);

// Finds a receipt by its id in hex. Returns nullopt when there is none. Throws corrupt
// when the stored receipt does not parse or its id differs from the row's.
std::optional<stored_receipt> find_receipt(database& db, std::string_view id_hex);

} // namespace skrynka::storage
