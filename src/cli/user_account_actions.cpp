// user add, user list and user delete.
#include "crypto/user_keys.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/account_key_slots.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/generated_secrets.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/password_input.hpp"
#include "src/cli/standard_mailboxes.hpp"
#include "src/cli/termination_signals.hpp"
#include "src/cli/user_actions.hpp"
#include "src/cli/wipe_command.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/transaction.hpp"

#include <ctime>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>
#include <string>

namespace skrynka::app::cli {

namespace {

constexpr std::size_t mailbox_database_key_size = 32;

// Removes a mailbox database file and its SQLite side files. Missing files are fine.
void remove_mailbox_database(const std::filesystem::path& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

// Creates the account's mailbox database. Returns normally only when this call created
// the file. When it fails, it removes what it created and nothing else: a file already
// at path (from another instance sharing the folder, or left by hand) stays.
void create_new_mailbox_database(const std::filesystem::path& path,
                                 const crypto::secret_bytes& mailbox_database_key) {
    try {
        create_mailbox_database(path, mailbox_database_key);
    } catch (const storage::storage_error& error) {
        if (error.code() != storage::errc::already_exists) {
            remove_mailbox_database(path);
        }
        throw;
    } catch (...) {
        remove_mailbox_database(path);
        throw;
    }
}

std::string format_utc(std::int64_t seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    ::gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace

int add_user(const global_options& globals, const std::string& address_text) {
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    if (opened.directory.resolve_recipient(address.text())) {
        throw cli_error(fmt::format("{} already exists as an account or alias", address.text()));
    }

    const auto& limits = opened.settings.limits;
    password_input input(static_cast<std::size_t>(limits.password_max_length));
    crypto::secret_bytes password =
        input.read_new(fmt::format("New password for {}: ", address.text()));
    check_new_password(password, address, limits);

    crypto::user_key_pair keys = crypto::generate_user_key_pair();
    crypto::secret_bytes recovery_code = generate_recovery_code();
    auto mailbox_database_key = crypto::secret_bytes::random(mailbox_database_key_size);

    // Everything goes into one directory transaction: the account, its key slots and
    // their audit records commit together or not at all, so a failure or a kill at any
    // point before the commit leaves no half-made account. The slots are sealed inside
    // it because the account id is their context.
    // NOTE: the transaction holds the directory's write lock while Argon2id runs, so a
    // running server waits up to its busy timeout to write in that time.
    storage::audit_log log = open_audit_log(opened);
    storage::transaction tx(opened.directory.db());
    storage::account_id account = opened.directory.create_account(
        tx, address.text(), keys.public_key, mailbox_database_key);
    auto login_slot = seal_slot(keys.secret_key, password, slot_purpose::login, account, limits);
    auto recovery_slot =
        seal_slot(keys.secret_key, *canonical_recovery_code(recovery_code.bytes()),
                  slot_purpose::recovery, account, limits);
    opened.directory.add_key_slot(tx, account, slot_kind_of(slot_purpose::login),
                                  login_slot_label, login_slot);
    opened.directory.add_key_slot(tx, account, slot_kind_of(slot_purpose::recovery),
                                  recovery_slot_label, recovery_slot);
    record_admin_action(log, tx, storage::audit_event::account_create, address.text());
    record_admin_action(log, tx, storage::audit_event::key_slot_add, address.text(),
                        "slot=login");
    record_admin_action(log, tx, storage::audit_event::key_slot_add, address.text(),
                        "slot=recovery_code");

    // From here on the steps are short, and a signal must not stop them between the
    // mailbox file and the commit.
    block_termination_signals();
    const auto mailbox_path =
        storage::mailbox_database_path(opened.settings.server.state_dir, account);
    create_new_mailbox_database(mailbox_path, mailbox_database_key);
    try {
        // The recovery code is printed before the commit: an account whose code never
        // reached the user must not exist.
        std::cout << fmt::format("Created {}.\n"
                                 "Recovery code, shown only this once. Keep it offline: with "
                                 "it,\n`skrynka user recovery {}` sets a new password.\n",
                                 address.text(), address.text());
        print_secret_line(recovery_code);
    } catch (...) {
        remove_mailbox_database(mailbox_path);
        throw;
    }
    try {
        tx.commit();
    } catch (const storage::storage_error& error) {
        remove_mailbox_database(mailbox_path);
        throw cli_error(fmt::format("{} was not created, so the recovery code above is void: {}",
                                    address.text(), error.what()));
    }

    checkpoint_if_due(log);
    return 0;
}

int list_users(const global_options& globals) {
    instance opened = open_instance(globals);
    for (const storage::account& account : opened.directory.list_accounts()) {
        std::vector<std::string> app_passwords;
        for (const storage::key_slot& slot : opened.directory.list_key_slots(account.id)) {
            if (auto name = app_password_name(slot.label)) {
                app_passwords.push_back(std::move(*name));
            }
        }
        auto aliases = opened.directory.list_aliases(account.id);
        std::cout << fmt::format("{} created={} state={} aliases={} app_passwords={}\n",
                                 account.address, format_utc(account.created),
                                 account.state == storage::account_state::active ? "active"
                                                                                 : "disabled",
                                 fmt::join(aliases, ","), fmt::join(app_passwords, ","));
    }
    return 0;
}

int delete_user(const global_options& globals, const std::string& address_text, bool yes) {
    // A deletion is a secure wipe with a receipt, worded as a deletion.
    wipe_wording wording;
    wording.verb = "delete";
    wording.past = "deleted";
    wording.done_heading = "Deleted";
    const int status = wipe_account_command(globals, address_text, yes, wording);

    instance opened = open_instance(globals);
    const policies::address address = parse_existing_address(address_text);
    record_admin_action(opened, storage::audit_event::account_delete, address.text());
    return status;
}

} // namespace skrynka::app::cli
