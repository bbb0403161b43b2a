#include "storage/directory.hpp"

#include "storage/address.hpp"
#include "storage/directory_schema.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace skrynka::storage {

namespace {

constexpr std::size_t max_label_size = 256;

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Canonicalizes an address that is about to be assigned to an account.
std::string assignable_address(std::string_view address) {
    std::string canonical = canonical_address(address);
    if (canonical.substr(0, canonical.find('@')).find('+') != std::string::npos) {
        throw storage_error(errc::invalid_argument, {},
                            "invalid address: '+' is reserved for subaddress tags");
    }
    return canonical;
}

std::optional<std::string> try_canonical(std::string_view address) {
    try {
        return canonical_address(address);
    } catch (const storage_error&) {
        return std::nullopt;
    }
}

void check_label(std::string_view label, const database& db) {
    if (label.empty() || label.size() > max_label_size) {
        throw_error(errc::invalid_argument, db.path(), "key slot label must be 1 to 256 bytes");
    }
}

constexpr std::string_view select_account = R"sql(
SELECT a.id, p.address, a.created, a.public_key, a.state
FROM accounts a JOIN addresses p ON p.account_id = a.id AND p.is_primary = 1
)sql";

account read_account(const statement& row) {
    account result;
    result.id = row.column_int64(0);
    result.address = row.column_text(1);
    result.created = row.column_int64(2);
    const auto key = row.column_blob(3);
    std::copy_n(key.begin(), std::min(key.size(), result.public_key.size()),
                result.public_key.begin());
    result.state = static_cast<account_state>(row.column_int64(4));
    return result;
}

} // namespace

directory::directory(database db) noexcept : db_(std::move(db)) {}

directory directory::open(const std::filesystem::path& path,
                          const crypto::secret_bytes& storage_key, open_mode mode) {
    database db = database::open(path, storage_key, mode);
    migrate(db, directory_migrations);
    return directory(std::move(db));
}

bool directory::account_exists(account_id id) {
    statement query = db_.prepare("SELECT 1 FROM accounts WHERE id = ?1");
    query.bind(1, id);
    return query.step();
}

account_id directory::create_account(std::string_view address,
                                     std::span<const unsigned char> public_key,
                                     const crypto::secret_bytes& mailbox_database_key) {
    transaction tx(db_);
    const account_id id = create_account(tx, address, public_key, mailbox_database_key);
    tx.commit();
    return id;
}

// tx is not used: it is the caller's proof that a write transaction is open.
account_id directory::create_account(transaction& /*tx*/, std::string_view address,
                                     std::span<const unsigned char> public_key,
                                     const crypto::secret_bytes& mailbox_database_key) {
    const std::string canonical = assignable_address(address);
    if (public_key.size() != public_key_size) {
        throw_error(errc::invalid_argument, db_.path(), "public key must be 32 bytes");
    }
    if (mailbox_database_key.size() != raw_key_size) {
        throw_error(errc::invalid_argument, db_.path(), "mailbox database key must be 32 bytes");
    }

    const std::int64_t created = now_seconds();
    statement taken = db_.prepare("SELECT 1 FROM addresses WHERE address = ?1");
    taken.bind_text(1, canonical);
    if (taken.step()) {
        throw_error(errc::already_exists, db_.path(), "address is already in use");
    }

    db_.prepare("INSERT INTO accounts (created, public_key, state) VALUES (?1, ?2, 0)")
        .bind(1, created)
        .bind_blob(2, public_key)
        .run();
    const account_id id = db_.last_insert_rowid();
    db_.prepare("INSERT INTO addresses (address, account_id, is_primary, created) "
                "VALUES (?1, ?2, 1, ?3)")
        .bind_text(1, canonical)
        .bind(2, id)
        .bind(3, created)
        .run();
    db_.prepare("INSERT INTO mailbox_keys (account_id, key) VALUES (?1, ?2)")
        .bind(1, id)
        .bind_blob(2, mailbox_database_key.bytes())
        .run();
    return id;
}

std::optional<account> directory::find_account(std::string_view address) {
    const auto canonical = try_canonical(address);
    if (!canonical) {
        return std::nullopt;
    }
    statement query = db_.prepare(std::string(select_account) + "WHERE p.address = ?1");
    query.bind_text(1, *canonical);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_account(query);
}

std::optional<account> directory::find_account(account_id id) {
    statement query = db_.prepare(std::string(select_account) + "WHERE a.id = ?1");
    query.bind(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_account(query);
}

std::vector<account> directory::list_accounts() {
    statement query = db_.prepare(std::string(select_account) + "ORDER BY a.id");
    std::vector<account> accounts;
    while (query.step()) {
        accounts.push_back(read_account(query));
    }
    return accounts;
}

void directory::set_account_state(account_id id, account_state state) {
    db_.prepare("UPDATE accounts SET state = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, static_cast<std::int64_t>(state))
        .run();
    if (db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "account not found");
    }
}

void directory::delete_account(account_id id) {
    transaction tx(db_);
    if (!account_exists(id)) {
        throw_error(errc::not_found, db_.path(), "account not found");
    }
    // Explicit deletes, not only ON DELETE CASCADE, so the rows go even on a connection
    // opened without foreign_keys=ON.
    for (const char* sql :
         {"DELETE FROM key_slots WHERE account_id = ?1",
          "DELETE FROM addresses WHERE account_id = ?1",
          "DELETE FROM mailbox_keys WHERE account_id = ?1", "DELETE FROM accounts WHERE id = ?1"}) {
        db_.prepare(sql).bind(1, id).run();
    }
    tx.commit();
}

key_slot_id directory::add_key_slot(account_id account, int kind, std::string_view label,
                                    std::span<const unsigned char> blob) {
    check_label(label, db_);
    transaction tx(db_);
    const key_slot_id id = add_key_slot(tx, account, kind, label, blob);
    tx.commit();
    return id;
}

key_slot_id directory::add_key_slot(transaction& /*tx*/, account_id account, int kind,
                                    std::string_view label, std::span<const unsigned char> blob) {
    check_label(label, db_);
    if (!account_exists(account)) {
        throw_error(errc::not_found, db_.path(), "account not found");
    }
    db_.prepare("INSERT INTO key_slots (account_id, kind, label, created, slot) "
                "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, account)
        .bind(2, kind)
        .bind_text(3, label)
        .bind(4, now_seconds())
        .bind_blob(5, blob)
        .run();
    return db_.last_insert_rowid();
}

key_slot_id directory::replace_key_slot(account_id account, std::string_view label, int kind,
                                        std::span<const unsigned char> blob) {
    check_label(label, db_);
    transaction tx(db_);
    db_.prepare("DELETE FROM key_slots WHERE account_id = ?1 AND label = ?2")
        .bind(1, account)
        .bind_text(2, label)
        .run();
    if (db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "key slot not found");
    }
    db_.prepare("INSERT INTO key_slots (account_id, kind, label, created, slot) "
                "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, account)
        .bind(2, kind)
        .bind_text(3, label)
        .bind(4, now_seconds())
        .bind_blob(5, blob)
        .run();
    const key_slot_id id = db_.last_insert_rowid();
    tx.commit();
    return id;
}

void directory::remove_key_slot(account_id account, key_slot_id slot) {
    db_.prepare("DELETE FROM key_slots WHERE account_id = ?1 AND id = ?2")
        .bind(1, account)
        .bind(2, slot)
        .run();
    if (db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "key slot not found");
    }
}

void directory::remove_key_slot_by_label(account_id account, std::string_view label) {
    db_.prepare("DELETE FROM key_slots WHERE account_id = ?1 AND label = ?2")
        .bind(1, account)
        .bind_text(2, label)
        .run();
    if (db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "key slot not found");
    }
}

std::vector<key_slot> directory::list_key_slots(account_id account) {
    statement query = db_.prepare("SELECT id, kind, label, created, slot FROM key_slots "
                                  "WHERE account_id = ?1 ORDER BY id");
    query.bind(1, account);
    std::vector<key_slot> slots;
    while (query.step()) {
        key_slot slot;
        slot.id = query.column_int64(0);
        slot.account = account;
        slot.kind = static_cast<int>(query.column_int64(1));
        slot.label = query.column_text(2);
        slot.created = query.column_int64(3);
        slot.blob = query.column_blob(4);
        slots.push_back(std::move(slot));
    }
    return slots;
}

crypto::secret_bytes directory::mailbox_database_key(account_id account) {
    statement query = db_.prepare("SELECT key FROM mailbox_keys WHERE account_id = ?1");
    query.bind(1, account);
    if (!query.step()) {
        throw_error(errc::not_found, db_.path(), "mailbox database key not found");
    }
    return query.column_secret(0);
}

void directory::add_alias(std::string_view alias, account_id account) {
    const std::string canonical = assignable_address(alias);
    transaction tx(db_);
    if (!account_exists(account)) {
        throw_error(errc::not_found, db_.path(), "account not found");
    }
    statement taken = db_.prepare("SELECT 1 FROM addresses WHERE address = ?1");
    taken.bind_text(1, canonical);
    if (taken.step()) {
        throw_error(errc::already_exists, db_.path(), "address is already in use");
    }
    db_.prepare("INSERT INTO addresses (address, account_id, is_primary, created) "
                "VALUES (?1, ?2, 0, ?3)")
        .bind_text(1, canonical)
        .bind(2, account)
        .bind(3, now_seconds())
        .run();
    tx.commit();
}

void directory::remove_alias(std::string_view alias) {
    const auto canonical = try_canonical(alias);
    if (canonical) {
        db_.prepare("DELETE FROM addresses WHERE address = ?1 AND is_primary = 0")
            .bind_text(1, *canonical)
            .run();
    }
    if (!canonical || db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "alias not found");
    }
}

std::vector<std::string> directory::list_aliases(account_id account) {
    statement query = db_.prepare("SELECT address FROM addresses "
                                  "WHERE account_id = ?1 AND is_primary = 0 ORDER BY address");
    query.bind(1, account);
    std::vector<std::string> aliases;
    while (query.step()) {
        aliases.push_back(query.column_text(0));
    }
    return aliases;
}

std::optional<recipient> directory::resolve_recipient(std::string_view address) {
    const auto canonical = try_canonical(address);
    if (!canonical) {
        return std::nullopt;
    }
    statement query = db_.prepare("SELECT account_id FROM addresses WHERE address = ?1");
    query.bind_text(1, *canonical);
    if (query.step()) {
        return recipient{query.column_int64(0), *canonical, {}, false};
    }

    subaddress parts = split_subaddress(*canonical);
    if (!parts.has_tag) {
        return std::nullopt;
    }
    query.reset();
    query.bind_text(1, parts.base);
    if (query.step()) {
        return recipient{query.column_int64(0), std::move(parts.base), std::move(parts.tag), true};
    }
    return std::nullopt;
}

std::optional<std::vector<unsigned char>> directory::read_meta(std::string_view name) {
    statement query = db_.prepare("SELECT value FROM meta WHERE name = ?1");
    query.bind_text(1, name);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_blob(0);
}

void directory::write_meta(std::string_view name, std::span<const unsigned char> value) {
    db_.prepare("INSERT INTO meta (name, value) VALUES (?1, ?2) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind_text(1, name)
        .bind_blob(2, value)
        .run();
}

} // namespace skrynka::storage
