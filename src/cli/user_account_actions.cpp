// user add, user list and user delete.
#include "crypto/user_keys.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/account_lifecycle.hpp"
#include "src/cli/account_key_slots.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/generated_secrets.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/password_input.hpp"
#include "src/cli/standard_mailboxes.hpp"
#include "src/cli/termination_signals.hpp"
#include "src/cli/user_actions.hpp"
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

    password_input input(static_cast<std::size_t>(opened.settings.limits.password_max_length));
    crypto::secret_bytes password =
        input.read_new(fmt::format("New password for {}: ", address.text()));

    // Everything goes into one directory transaction: the account, its key slots and
    // their audit records commit together or not at all, so a failure or a kill at any
    // point before the commit leaves no half-made account.
    storage::audit_log log = open_audit_log(opened);
    storage::transaction tx(opened.directory.db());
    staged_account staged =
        stage_account(tx, opened.directory, log, opened.settings, address, password, "");

    // From here on the steps are short, and a signal must not stop them between the
    // mailbox file and the commit.
    block_termination_signals();
    create_account_mailbox(staged);
    try {
        // The recovery code is printed before the commit: an account whose code never
        // reached the user must not exist.
        std::cout << fmt::format("Created {}.\n"
                                 "Recovery code, shown only this once. Keep it offline: with "
                                 "it,\n`skrynka user recovery {}` sets a new password.\n",
                                 address.text(), address.text());
        print_secret_line(staged.recovery_code);
    } catch (...) {
        remove_mailbox_database(staged.mailbox_path);
        throw;
    }
    try {
        tx.commit();
    } catch (const storage::storage_error& error) {
        remove_mailbox_database(staged.mailbox_path);
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
    instance opened = open_instance(globals);
    policies::address address = parse_existing_address(address_text);
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

    storage::audit_log log = open_audit_log(opened);
    delete_account(opened.directory, log, opened.settings, account, "");
    checkpoint_if_due(log);

    std::cout << fmt::format("Deleted {}.\n", address.text());
    return 0;
}

} // namespace skrynka::app::cli
