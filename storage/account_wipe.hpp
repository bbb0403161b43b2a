// Secure wipe of one account. Its key slots and mailbox database key are destroyed, and
// its mailbox database file and WAL are overwritten and removed. Then directory.db is
// searched page by page to prove that no key slot or database key remains, and a signed
// wipe receipt and an account.wipe audit record are written.
//
// Steps, each idempotent, so a wipe cut short by a crash finishes when it is run again
// (`skrynka wipe` or the next `skrynka serve` start):
//   1. begin: save what the receipt will state (key slot count, digest of the mailbox
//      database key) and fingerprints of every key slot and of the key, in a
//      pending_wipes row, in one transaction with disabling the account.
//   2. destroy keys: delete the account, its addresses, key slots and mailbox database
//      key in one transaction, then checkpoint and truncate directory.db's WAL.
//   3. remove files: overwrite the mailbox database, its WAL, shared-memory and journal
//      files with zeros, sync, unlink, and sync the folder.
//   4. verify: scan directory.db and its WAL with the independent page reader for the
//      fingerprints, and check that no mailbox file is left.
//   5. receipt: sign the wipe receipt, append account.wipe and delete the pending row,
//      in one transaction.
// Once step 2 has committed, the mailbox database has no key anywhere, so it is
// unreadable even while its file still exists.
#pragma once

#include "crypto/absence_scan.hpp"
#include "crypto/fingerprint_set.hpp"
#include "crypto/receipt.hpp"
#include "crypto/secret.hpp"
#include "storage/audit_log.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::storage {

inline constexpr int wipe_step_count = 5;

struct wipe_result {
    crypto::signed_receipt receipt;
    // The scan of step 4.
    std::uint64_t pages_scanned = 0;
};

// Called after each step with its number (1 to wipe_step_count), for tests that cut a
// wipe short.
using wipe_step_hook = std::function<void(int step)>;

struct wipe_target {
    std::int64_t account_id = 0;
    std::string account; // canonical address
};

// Returns the account with this primary address, or the pending wipe of an account that
// had it. Returns nullopt when there is neither.
std::optional<wipe_target> find_wipe_target(database& db, std::string_view address);

// Lists the accounts whose wipe has begun and not finished.
std::vector<wipe_target> pending_wipes(database& db);

// Runs every step of the wipe that has not run yet. log must be open on directory.db,
// which storage_key opens, and state_directory contains mailboxes/. Throws
// storage_error for a database failure or a mailbox file that cannot be removed, and
// storage_error(corrupt) when step 4 still finds key material, and then the wipe stays
// pending. Throws std::system_error when directory.db cannot be read for the scan.
wipe_result wipe_account(audit_log& log, const std::filesystem::path& state_directory,
                         const crypto::secret_bytes& storage_key, const wipe_target& target,
                         const wipe_step_hook& after_step = {});

// Scans directory.db (with its WAL) for the fingerprints of a wipe, as step 4 does.
crypto::absence_report scan_directory(const std::filesystem::path& directory_database,
                                      const crypto::secret_bytes& storage_key,
                                      const crypto::fingerprints& probes);

// The mailbox files a wipe removes: the database and its -wal, -shm and -journal files.
std::vector<std::filesystem::path> mailbox_files(const std::filesystem::path& state_directory,
                                                 std::int64_t account_id);

} // namespace skrynka::storage
