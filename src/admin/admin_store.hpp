// What the admin endpoint reads and changes: tokens, accounts, the audit log. Every call
// is synchronous and touches the directory database, so the service makes all of them on
// one executor (see admin_service.hpp), never two at once.
#pragma once

#include "crypto/secret.hpp"
#include "src/config/settings.hpp"
#include "storage/admin_tokens.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"

#include <cstdint>
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

// One deletion receipt of an account, as stored.
struct receipt_summary {
    std::int64_t id = 0;
    std::int64_t time = 0;
    std::string kind;
};

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
                const config::settings& settings)
        : directory_(directory), audit_(audit), settings_(settings) {}

    std::vector<storage::admin_token> tokens();

    std::vector<account_summary> accounts();

    // Creates an account as `skrynka user add` does (same password policy, key slots and
    // audit records), and returns its recovery code. Throws storage_error for a database
    // failure.
    create_result create_account(std::string_view address, const crypto::secret_bytes& password,
                                 std::string_view remote);

    // Deletes the account whose primary address is address. Returns false when there is
    // none. Throws storage_error and cli_error as cli::delete_account.
    bool delete_account(std::string_view address, std::string_view remote);

    // Returns nullopt when no account has that primary address, else its receipts.
    std::optional<std::vector<receipt_summary>> receipts(std::string_view address);

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
};

} // namespace skrynka::app::admin
