#include "src/admin/admin_store.hpp"

#include "src/cli/account_input.hpp"
#include "src/cli/account_lifecycle.hpp"
#include "src/cli/cli_error.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/receipt_store.hpp"
#include "storage/statement.hpp"
#include "storage/transaction.hpp"

#include <filesystem>

namespace skrynka::app::admin {

std::vector<storage::admin_token> admin_store::tokens() {
    return storage::list_admin_tokens(directory_.db());
}

std::uint64_t admin_store::mailbox_bytes(storage::account_id account) const {
    const std::filesystem::path path =
        storage::mailbox_database_path(settings_.server.state_dir, account);
    std::uint64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
        std::error_code error;
        const auto size = std::filesystem::file_size(path.string() + suffix, error);
        if (!error) {
            total += size;
        }
    }
    return total;
}

std::vector<account_summary> admin_store::accounts() {
    std::vector<account_summary> result;
    for (const storage::account& account : directory_.list_accounts()) {
        account_summary summary;
        summary.address = account.address;
        summary.created = account.created;
        summary.active = account.state == storage::account_state::active;
        summary.aliases = directory_.list_aliases(account.id);
        summary.storage_bytes = mailbox_bytes(account.id);
        result.push_back(std::move(summary));
    }
    return result;
}

std::uint64_t admin_store::stored_bytes() {
    std::uint64_t total = 0;
    for (const storage::account& account : directory_.list_accounts()) {
        total += mailbox_bytes(account.id);
    }
    return total;
}

create_result admin_store::create_account(std::string_view address_text,
                                          const crypto::secret_bytes& password,
                                          std::string_view remote) {
    create_result result;
    std::optional<policies::address> address;
    try {
        address = cli::parse_account_address(address_text, settings_);
    } catch (const cli::cli_error& error) {
        result.failure = create_failure::invalid_address;
        result.message = error.what();
        return result;
    }
    if (directory_.resolve_recipient(address->text())) {
        result.failure = create_failure::exists;
        result.message = address->text() + " already exists as an account or alias";
        return result;
    }

    storage::transaction tx(directory_.db());
    std::optional<cli::staged_account> staged;
    try {
        staged = cli::stage_account(tx, directory_, audit_, settings_, *address, password, remote);
    } catch (const cli::cli_error& error) {
        // stage_account throws cli_error only for a password the policy rejects.
        result.failure = create_failure::weak_password;
        result.message = error.what();
        return result;
    }
    cli::create_account_mailbox(*staged);
    try {
        tx.commit();
    } catch (...) {
        cli::remove_mailbox_database(staged->mailbox_path);
        throw;
    }
    result.recovery_code = std::move(staged->recovery_code);
    return result;
}

std::optional<server::server_wipe_result> admin_store::wipe_account(std::string_view address) {
    return wiper_(address);
}

std::optional<receipt_page> admin_store::receipts(std::string_view address, std::size_t limit,
                                                  std::optional<std::int64_t> cursor,
                                                  std::optional<std::int64_t> since_ms) {
    std::vector<crypto::signed_receipt> all =
        storage::list_receipts(directory_.db(), address, since_ms);
    if (all.empty() && !directory_.find_account(address)) {
        return std::nullopt;
    }
    receipt_page page;
    for (crypto::signed_receipt& receipt : all) {
        if (cursor && receipt.body.audit_sequence <= *cursor) {
            continue;
        }
        if (page.receipts.size() == limit) {
            page.next_cursor = page.receipts.back().body.audit_sequence;
            break;
        }
        page.receipts.push_back(std::move(receipt));
    }
    return page;
}

audit_page admin_store::audit_records(storage::audit_filter filter, std::size_t limit,
                                      std::optional<std::int64_t> cursor) {
    // One record more than the page shows tells whether a next page exists.
    filter.limit = limit + 1;
    filter.after_sequence = cursor;
    audit_page page;
    page.records = audit_.query(filter);
    if (page.records.size() > limit) {
        page.records.resize(limit);
        page.next_cursor = page.records.back().sequence;
    }
    return page;
}

storage::audit_verify_report admin_store::verify() {
    return audit_.verify();
}

storage::audit_position admin_store::head() {
    return audit_.head();
}

void admin_store::record(const storage::audit_entry& entry) {
    audit_.append(entry);
}

} // namespace skrynka::app::admin
