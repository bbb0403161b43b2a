// The directory database (directory.db, keyed with the storage key): accounts, their
// addresses and aliases, key slots, public keys and mailbox database keys.
#pragma once

#include "crypto/secret.hpp"
#include "storage/database.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

class transaction;

using account_id = std::int64_t;
using key_slot_id = std::int64_t;

inline constexpr std::size_t public_key_size = 32;

enum class account_state : std::int64_t {
    active = 0,
    disabled = 1, // kept in the directory; policies decide what a disabled account may do
};

struct account {
    account_id id = 0;
    std::string address;      // canonical primary address (see canonical_address)
    std::int64_t created = 0; // seconds since the Unix epoch
    std::array<unsigned char, public_key_size> public_key{};
    account_state state = account_state::active;
};

// A key slot as crypto encoded it; storage keeps the bytes opaque.
struct key_slot {
    key_slot_id id = 0;
    account_id account = 0;
    int kind = 0; // meaning assigned by crypto (login, app password, recovery code)
    std::string label;
    std::int64_t created = 0;
    std::vector<unsigned char> blob;
};

// The account a delivery address belongs to.
struct recipient {
    account_id account = 0;
    std::string address; // the canonical address that matched (primary or alias)
    std::string tag;     // the subaddress tag, when the match needed one stripped
    bool has_tag = false;
};

// Addresses are compared in canonical form (ASCII letters lowercased, see address.hpp).
// Account and alias addresses may not contain '+', so "base+tag" is always a
// subaddress of "base" and never a different mailbox.
//
// Every call throws storage_error on a database failure (io_error, busy, disk_full, ...)
// in addition to the errors listed. Writes run in one transaction each and are durable
// when they return, except the overloads that take a transaction: those write into the
// caller's transaction, which commits or rolls back everything at once.
//
// Not thread-safe: use one directory from one thread at a time (the storage executor
// serializes the calls). Move-only; closes on destruction.
class directory {
  public:
    // Opens directory.db with the storage key and brings its schema up to date. Throws
    // what database::open and migrate throw.
    static directory open(const std::filesystem::path& path,
                          const crypto::secret_bytes& storage_key, open_mode mode);

    // Creates an account with its primary address, public key and mailbox database key
    // (raw_key_size bytes). Returns the new account id; ids are never reused.
    // Throws already_exists when the address is taken by an account or an alias, and
    // invalid_argument for a malformed address, an address with '+' or a key of the wrong
    // size.
    account_id create_account(std::string_view address, std::span<const unsigned char> public_key,
                              const crypto::secret_bytes& mailbox_database_key);
    // Does the same inside tx, a transaction the caller opened on db() and commits, so
    // that the account, its key slots and its audit records commit or roll back together.
    account_id create_account(transaction& tx, std::string_view address,
                              std::span<const unsigned char> public_key,
                              const crypto::secret_bytes& mailbox_database_key);

    // Finds an account by its primary address (not by alias: see resolve_recipient) or
    // by id. A malformed address is simply not found.
    std::optional<account> find_account(std::string_view address);
    std::optional<account> find_account(account_id id);
    std::vector<account> list_accounts();

    // Changes an account's state. Throws not_found.
    void set_account_state(account_id id, account_state state);

    // Deletes the account, its addresses, its key slots and its mailbox database key in
    // one transaction. With secure_delete the freed pages are zeroed; the WAL keeps the
    // old pages until database().checkpoint_truncate(). Deleting the mailbox database
    // file is the caller's job. Throws not_found.
    void delete_account(account_id id);

    // Adds a key slot. Returns its id. Throws not_found for an unknown account,
    // already_exists when the account has a slot with that label, invalid_argument for
    // an empty label or one over 256 bytes.
    key_slot_id add_key_slot(account_id account, int kind, std::string_view label,
                             std::span<const unsigned char> blob);
    // Does the same inside tx, a transaction the caller opened on db() and commits.
    key_slot_id add_key_slot(transaction& tx, account_id account, int kind,
                             std::string_view label, std::span<const unsigned char> blob);

    // Replaces the slot with this label by a new one in one transaction (a password
    // change): either the old slot or the new one exists, never both or neither.
    // Returns the new slot's id. Throws not_found when there is no such slot.
    key_slot_id replace_key_slot(account_id account, std::string_view label, int kind,
                                 std::span<const unsigned char> blob);

    // Removes one slot. Throws not_found when the account has no such slot.
    void remove_key_slot(account_id account, key_slot_id slot);
    void remove_key_slot_by_label(account_id account, std::string_view label);

    // Lists an account's slots in creation order; empty for an unknown account.
    std::vector<key_slot> list_key_slots(account_id account);

    // Returns the key of the account's mailbox database, in guarded memory. Throws
    // not_found.
    crypto::secret_bytes mailbox_database_key(account_id account);

    // Adds an alias address for an account. Throws not_found for an unknown account,
    // already_exists when the address is taken, invalid_argument as create_account.
    void add_alias(std::string_view alias, account_id account);
    // Removes an alias (never a primary address). Throws not_found.
    void remove_alias(std::string_view alias);
    // Lists an account's aliases in canonical form, sorted.
    std::vector<std::string> list_aliases(account_id account);

    // Finds the account that receives mail for address: an exact primary address or
    // alias first, then, when the local part contains '+', the address with the tag
    // removed. Returns nullopt when nothing matches or the address is malformed.
    std::optional<recipient> resolve_recipient(std::string_view address);

    // Small named values (for example a schema or instance identifier).
    std::optional<std::vector<unsigned char>> read_meta(std::string_view name);
    void write_meta(std::string_view name, std::span<const unsigned char> value);

    database& db() noexcept { return db_; }

  private:
    explicit directory(database db) noexcept;
    bool account_exists(account_id id);

    database db_;
};

} // namespace skrynka::storage
