// user alias add and user alias remove.
#include "src/cli/account_input.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/user_actions.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>

namespace skrynka::app::cli {

int add_alias(const global_options& globals, const std::string& alias_text,
              const std::string& address_text) {
    instance opened = open_instance(globals);
    policies::address alias = parse_account_address(alias_text, opened.settings);
    policies::address address = parse_account_address(address_text, opened.settings);
    storage::account account = require_account(opened, address);

    if (auto existing = opened.directory.resolve_recipient(alias.text());
        existing && !existing->has_tag) {
        throw cli_error(fmt::format("{} already exists as an account or alias", alias.text()));
    }
    opened.directory.add_alias(alias.text(), account.id);
    record_admin_action(opened, storage::audit_event::alias_add, address.text(),
                        "alias=" + alias.text());
    std::cout << fmt::format("Mail for {} now goes to {}.\n", alias.text(), address.text());
    return 0;
}

int remove_alias(const global_options& globals, const std::string& alias_text,
                 const std::string& address_text) {
    instance opened = open_instance(globals);
    policies::address alias = parse_account_address(alias_text, opened.settings);
    policies::address address = parse_account_address(address_text, opened.settings);
    storage::account account = require_account(opened, address);

    auto aliases = opened.directory.list_aliases(account.id);
    if (std::find(aliases.begin(), aliases.end(), alias.text()) == aliases.end()) {
        throw cli_error(fmt::format("{} is not an alias of {}", alias.text(), address.text()));
    }
    opened.directory.remove_alias(alias.text());
    record_admin_action(opened, storage::audit_event::alias_remove, address.text(),
                        "alias=" + alias.text());
    std::cout << fmt::format("Removed the alias {} of {}.\n", alias.text(), address.text());
    return 0;
}

} // namespace skrynka::app::cli
