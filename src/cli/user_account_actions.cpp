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
#include "src/cli/user_actions.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"

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

// Undoes a half-created account, so that a failed `user add` can simply be repeated.
void discard_account(instance& opened, storage::account_id account) {
    try {
        opened.directory.delete_account(account);
    } catch (const storage::storage_error&) {
        // The original failure is what the user needs to see. The account row left
        // behind is reported by `user list` and can be removed with `user delete`.
    }
    remove_mailbox_database(
        storage::mailbox_database_path(opened.settings.server.state_dir, account));
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

    // The directory has no transaction across calls, so a failure after create_account
    // removes the account again. Slots are sealed after it because the account id is
    // their context.
    storage::account_id account =
        opened.directory.create_account(address.text(), keys.public_key, mailbox_database_key);
    try {
        auto login_slot =
            seal_slot(keys.secret_key, password, slot_purpose::login, account, limits);
        auto recovery_slot =
            seal_slot(keys.secret_key, *canonical_recovery_code(recovery_code.bytes()),
                      slot_purpose::recovery, account, limits);
        opened.directory.add_key_slot(account, slot_kind_of(slot_purpose::login), login_slot_label,
                                      login_slot);
        opened.directory.add_key_slot(account, slot_kind_of(slot_purpose::recovery),
                                      recovery_slot_label, recovery_slot);
        create_mailbox_database(
            storage::mailbox_database_path(opened.settings.server.state_dir, account),
            mailbox_database_key);
    } catch (...) {
        discard_account(opened, account);
        throw;
    }

    // NOTE: the account is committed before its records. A crash in between leaves an
    // account without an account.create record, because the directory opens its own
    // transactions and so cannot commit a record together with the account.
    record_admin_action(opened, storage::audit_event::account_create, address.text());
    record_admin_action(opened, storage::audit_event::key_slot_add, address.text(), "slot=login");
    record_admin_action(opened, storage::audit_event::key_slot_add, address.text(),
                        "slot=recovery_code");

    std::cout << fmt::format("Created {}.\n"
                             "Recovery code, shown only this once. Keep it offline: with it,\n"
                             "`skrynka user recovery {}` sets a new password.\n",
                             address.text(), address.text());
    print_secret_line(recovery_code);
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
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    storage::account account = require_account(opened, address);

    if (!yes) {
        if (!password_input::interactive()) {
            throw cli_error(fmt::format(
                "standard input is not a terminal: add --yes to delete {} without confirmation",
                address.text()));
        }
        std::cerr << fmt::format("Delete {} with its keys and all of its mail? This cannot be "
                                 "undone.\nType the address to confirm: ",
                                 address.text());
        std::string typed;
        std::getline(std::cin, typed);
        if (typed != address.text()) {
            throw cli_error(
                fmt::format("{} was not deleted: the confirmation did not match", address.text()));
        }
    }

    // The directory rows go first: without its key the mailbox database is unreadable,
    // even if removing the file fails afterwards.
    opened.directory.delete_account(account.id);
    record_admin_action(opened, storage::audit_event::account_delete, address.text());
    // TODO: overwrite the file before unlinking it and issue a wipe receipt; that is the
    // job of `skrynka wipe`, which does not exist yet.
    remove_mailbox_database(
        storage::mailbox_database_path(opened.settings.server.state_dir, account.id));

    // Until a checkpoint copies the zeroed pages from the WAL into the directory file,
    // that file still contains the deleted rows, so a failed checkpoint is an error.
    try {
        opened.directory.db().checkpoint_truncate();
    } catch (const storage::storage_error& error) {
        throw cli_error(fmt::format("deleted {}, but its rows may remain in the directory's "
                                    "write-ahead log until the next checkpoint: {}",
                                    address.text(), error.what()));
    }

    std::cout << fmt::format("Deleted {}.\n", address.text());
    return 0;
}

} // namespace skrynka::app::cli
