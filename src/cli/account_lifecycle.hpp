// Creating an account, shared by `skrynka user add` and the admin endpoint, so that both
// apply the same password policy, make the same key slots and write the same audit
// records. Deleting one is the secure wipe (storage/account_wipe.hpp) everywhere.
#pragma once

#include "crypto/secret.hpp"
#include "policies/address.hpp"
#include "src/config/settings.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"
#include "storage/transaction.hpp"

#include <filesystem>
#include <string_view>

namespace skrynka::app::cli {

// An account written into a transaction that is not committed yet.
struct staged_account {
    storage::account_id id = 0;
    // Shown to the user once; with it `skrynka user recovery` sets a new password.
    crypto::secret_bytes recovery_code;
    crypto::secret_bytes mailbox_database_key;
    std::filesystem::path mailbox_path;
};

// Writes into tx, a transaction open on directory's database: the account with a new key
// pair, a login key slot sealed with password, a recovery key slot sealed with a new
// recovery code, and their audit records (actor admin, remote as given, empty for the
// command line). The caller creates the mailbox database with create_account_mailbox and
// then commits. Throws cli_error("weak password: ...") when password fails the policy,
// and storage_error.
// NOTE: Argon2id runs inside tx, so the directory's write lock is held for about a second
// per key slot with the default limits.
staged_account stage_account(storage::transaction& tx, storage::directory& directory,
                             storage::audit_log& log, const config::settings& settings,
                             const policies::address& address, const crypto::secret_bytes& password,
                             std::string_view remote);

// Creates the staged account's mailbox database with the standard mailboxes. Returns
// normally only when this call created the file; on failure it removes what it created
// and nothing else. Throws storage_error.
void create_account_mailbox(const staged_account& account);

// Removes a mailbox database file and its SQLite side files. Missing files are fine.
void remove_mailbox_database(const std::filesystem::path& path);

} // namespace skrynka::app::cli
