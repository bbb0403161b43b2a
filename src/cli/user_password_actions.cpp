// user passwd, user recovery and user app-password add|revoke.
#include "crypto/user_keys.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/account_key_slots.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/generated_secrets.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/password_input.hpp"
#include "src/cli/user_actions.hpp"

#include <fmt/format.h>
#include <iostream>

namespace skrynka::app::cli {

namespace {

// Maximum length of a typed recovery code line: 40 symbols with room for separators.
constexpr std::size_t max_recovery_code_length = 128;

struct unlocked_account {
    storage::account account;
    crypto::secret_bytes secret_key;
};

// Opens the account's slot labelled label with secret. Throws cli_error naming what
// was wrong when the secret does not open it.
crypto::secret_bytes unlock(storage::directory& directory, const storage::account& account,
                            std::string_view label, const crypto::secret_bytes& secret,
                            std::string_view wrong_secret_message) {
    auto slot = find_slot(directory, account.id, label);
    if (!slot) {
        throw cli_error(fmt::format("{} has no {} key slot", account.address, label));
    }
    auto secret_key = open_slot(*slot, secret);
    if (!secret_key) {
        throw cli_error(std::string(wrong_secret_message));
    }
    // A slot that opens but contains another key means a damaged or tampered directory.
    if (!crypto::user_keys_match(account.public_key, *secret_key)) {
        throw cli_error(fmt::format("the {} key slot of {} contains a key that does not match "
                                    "the account's public key",
                                    label, account.address));
    }
    return std::move(*secret_key);
}

unlocked_account unlock_with_login_password(instance& opened, const policies::address& address,
                                            const password_input& input) {
    storage::account account = require_account(opened, address);
    crypto::secret_bytes password =
        input.read(fmt::format("Current password for {}: ", address.text()));
    crypto::secret_bytes secret_key = unlock(opened.directory, account, login_slot_label, password,
                                             fmt::format("wrong password for {}", address.text()));
    return {std::move(account), std::move(secret_key)};
}

void replace_login_slot(instance& opened, const policies::address& address,
                        const unlocked_account& unlocked, const password_input& input) {
    const auto& limits = opened.settings.limits;
    crypto::secret_bytes password =
        input.read_new(fmt::format("New password for {}: ", address.text()));
    check_new_password(password, address, limits);

    auto slot =
        seal_slot(unlocked.secret_key, password, slot_purpose::login, unlocked.account.id, limits);
    opened.directory.replace_key_slot(unlocked.account.id, login_slot_label,
                                      slot_kind_of(slot_purpose::login), slot);
}

password_input password_input_for(const instance& opened) {
    return password_input(static_cast<std::size_t>(opened.settings.limits.password_max_length));
}

} // namespace

int change_password(const global_options& globals, const std::string& address_text) {
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    password_input input = password_input_for(opened);

    unlocked_account unlocked = unlock_with_login_password(opened, address, input);
    replace_login_slot(opened, address, unlocked, input);
    record_admin_action(opened, storage::audit_event::key_slot_change, address.text(),
                        "slot=login via=password");
    std::cout << fmt::format("Changed the login password of {}.\n", address.text());
    return 0;
}

int recover_user(const global_options& globals, const std::string& address_text) {
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    storage::account account = require_account(opened, address);

    password_input code_input(max_recovery_code_length);
    crypto::secret_bytes typed =
        code_input.read(fmt::format("Recovery code for {}: ", address.text()));
    auto code = canonical_recovery_code(typed.bytes());
    if (!code) {
        throw cli_error("invalid recovery code: expected 40 letters and digits, such as "
                        "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX");
    }
    crypto::secret_bytes secret_key =
        unlock(opened.directory, account, recovery_slot_label, *code,
               fmt::format("wrong recovery code for {}", address.text()));

    unlocked_account unlocked{std::move(account), std::move(secret_key)};
    replace_login_slot(opened, address, unlocked, password_input_for(opened));
    record_admin_action(opened, storage::audit_event::key_slot_change, address.text(),
                        "slot=login via=recovery_code");
    std::cout << fmt::format("Set a new login password for {}. The recovery code stays valid.\n",
                             address.text());
    return 0;
}

int add_app_password(const global_options& globals, const std::string& address_text,
                     const std::string& name) {
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    check_app_password_name(name);
    storage::account account = require_account(opened, address);
    if (find_slot(opened.directory, account.id, app_password_slot_label(name))) {
        throw cli_error(
            fmt::format("{} already has an app password named '{}'", address.text(), name));
    }

    // Sealing a new slot needs the user secret key, which only a current secret unlocks.
    password_input input = password_input_for(opened);
    unlocked_account unlocked = unlock_with_login_password(opened, address, input);

    crypto::secret_bytes app_password = generate_app_password();
    auto slot = seal_slot(unlocked.secret_key, app_password, slot_purpose::app_password, account.id,
                          opened.settings.limits);
    opened.directory.add_key_slot(account.id, slot_kind_of(slot_purpose::app_password),
                                  app_password_slot_label(name), slot);
    record_admin_action(opened, storage::audit_event::key_slot_add, address.text(),
                        "slot=app_password name=" + name);

    std::cout << fmt::format("App password '{}' for {}, shown only this once:\n", name,
                             address.text());
    print_secret_line(app_password);
    return 0;
}

int revoke_app_password(const global_options& globals, const std::string& address_text,
                        const std::string& name) {
    instance opened = open_instance(globals);
    policies::address address = parse_account_address(address_text, opened.settings);
    check_app_password_name(name);
    storage::account account = require_account(opened, address);

    auto slot = find_slot(opened.directory, account.id, app_password_slot_label(name));
    if (!slot) {
        throw cli_error(fmt::format("{} has no app password named '{}'", address.text(), name));
    }
    opened.directory.remove_key_slot(account.id, slot->id);
    record_admin_action(opened, storage::audit_event::key_slot_revoke, address.text(),
                        "slot=app_password name=" + name);
    // TODO: evict the account from a running server's unlocked-key cache once serve has
    // one, so that a revoked app password stops working at once.
    std::cout << fmt::format("Revoked app password '{}' of {}.\n", name, address.text());
    return 0;
}

} // namespace skrynka::app::cli
