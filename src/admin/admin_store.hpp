// What the admin endpoint reads and changes: tokens, accounts, the audit log. Every call
// is synchronous and touches the directory database, so the service makes all of them on
// one executor (see admin_service.hpp), never two at once.
#pragma once

#include "crypto/secret.hpp"
#include "src/config/settings.hpp"
#include "src/server/account_wipe_in_server.hpp"
#include "storage/admin_tokens.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::app::admin {

struct account_summary {
    std::string address;
    std::int64_t created = 0; // seconds since the Unix epoch
    bool active = true;
    std::vector<std::string> aliases;
    // Size of the mailbox database with its WAL, in bytes: sealed messages and metadata.
    std::uint64_t storage_bytes = 0;
};

// A page of an account's signed receipts, oldest first, and the cursor of the next page
// (the audit sequence of the page's last receipt), if there is one.
struct receipt_page {
    std::vector<crypto::signed_receipt> receipts;
    std::optional<std::int64_t> next_cursor;
};

// Runs the secure wipe inside the running server (server::wipe_account_in_server).
using account_wiper =
    std::function<std::optional<server::server_wipe_result>(std::string_view address)>;

// A page of audit records and the cursor of the next page, if there is one.
struct audit_page {
    std::vector<storage::audit_record> records;
    std::optional<std::int64_t> next_cursor;
};

// Why create_account failed, for the HTTP status.
enum class create_failure { none, invalid_address, exists, weak_password };

struct create_result {
    create_failure failure = create_failure::none;
    std::string message; // for a failure: one sentence for the client
    crypto::secret_bytes recovery_code;
};

class admin_store {
  public:
    // directory, audit and settings must outlive the store.
    admin_store(storage::directory& directory, storage::audit_log& audit,
                const config::settings& settings, account_wiper wiper)
        : directory_(directory), audit_(audit), settings_(settings), wiper_(std::move(wiper)) {}

    std::vector<storage::admin_token> tokens();

    std::vector<account_summary> accounts();

    // Creates an account as `skrynka user add` does (same password policy, key slots and
    // audit records), and returns its recovery code. Throws storage_error for a database
    // failure.
    create_result create_account(std::string_view address, const crypto::secret_bytes& password,
                                 std::string_view remote);

    // Wipes the account whose primary address is address with the wiper. Returns nullopt
    // when there is no such account and no unfinished wipe of one. Throws what the wiper
    // throws.
    std::optional<server::server_wipe_result> wipe_account(std::string_view address);

    // Returns up to limit receipts of the account with this primary address after cursor
    // (an audit sequence) and from since_ms on, oldest first. A wiped account still has
    // its receipts. Returns nullopt when there is neither such an account nor a receipt.
    std::optional<receipt_page> receipts(std::string_view address, std::size_t limit,
                                         std::optional<std::int64_t> cursor,
                                         std::optional<std::int64_t> since_ms);

    // Returns up to limit records after cursor that match filter, oldest first.
    audit_page audit_records(storage::audit_filter filter, std::size_t limit,
                             std::optional<std::int64_t> cursor);

    storage::audit_verify_report verify();
    storage::audit_position head();
    const crypto::signing_public_key& public_key() const noexcept { return audit_.public_key(); }

    // Appends one record; durable when this returns.
    void record(const storage::audit_entry& entry);

    // Sum of every account's storage_bytes.
    std::uint64_t stored_bytes();

  private:
    std::uint64_t mailbox_bytes(storage::account_id account) const;

    storage::directory& directory_;
    storage::audit_log& audit_;
    const config::settings& settings_;
    account_wiper wiper_;
};

} // namespace skrynka::app::admin
