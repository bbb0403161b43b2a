#include "src/cli/admin_command.hpp"

#include "src/admin/admin_token.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/generated_secrets.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/termination_signals.hpp"
#include "storage/admin_tokens.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

#include <ctime>
#include <fmt/format.h>
#include <iostream>
#include <memory>

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

// Stores the token's hash and its audit record in one transaction, and commits only after
// the token was printed: a token that never reached the operator must not exist.
int create_token(const global_options& globals, const std::string& label) {
    if (!admin::is_valid_admin_token_label(label)) {
        throw cli_error(fmt::format("invalid token label '{}': use 1 to 64 letters, digits, "
                                    "'.', '_' or '-'",
                                    label));
    }
    instance opened = open_instance(globals);
    storage::audit_log log = open_audit_log(opened);
    const crypto::secret_bytes token = admin::generate_admin_token();

    storage::transaction tx(opened.directory.db());
    try {
        storage::add_admin_token(opened.directory.db(), label,
                                 admin::hash_admin_token(token.bytes()));
    } catch (const storage::storage_error& error) {
        if (error.code() == storage::errc::already_exists) {
            throw cli_error(fmt::format("an admin token labelled '{}' exists; revoke it first or "
                                        "choose another label",
                                        label));
        }
        throw;
    }
    record_admin_action(log, tx, storage::audit_event::admin_call, "",
                        fmt::format("command=token.create label={}", label));

    block_termination_signals();
    std::cout << fmt::format("Admin token '{}', shown only this once. Send it as "
                             "\"Authorization: Bearer TOKEN\":\n",
                             label);
    print_secret_line(token);
    tx.commit();
    checkpoint_if_due(log);
    return 0;
}

int list_tokens(const global_options& globals) {
    instance opened = open_instance(globals);
    for (const storage::admin_token& token : storage::list_admin_tokens(opened.directory.db())) {
        std::cout << fmt::format("{} created={}\n", token.label, format_utc(token.created));
    }
    return 0;
}

int revoke_token(const global_options& globals, const std::string& label) {
    instance opened = open_instance(globals);
    try {
        storage::remove_admin_token(opened.directory.db(), label);
    } catch (const storage::storage_error& error) {
        if (error.code() == storage::errc::not_found) {
            throw cli_error(fmt::format("no admin token labelled '{}'", label));
        }
        throw;
    }
    record_admin_action(opened, storage::audit_event::admin_call, "",
                        fmt::format("command=token.revoke label={}", label));
    std::cout << fmt::format("Revoked admin token '{}'.\n", label);
    return 0;
}

} // namespace

void add_admin_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* admin = app.add_subcommand("admin", "Manage access to the admin HTTP endpoint");
    admin->require_subcommand(1);
    CLI::App* token = admin->add_subcommand("token", "Create, list or revoke admin tokens");
    token->require_subcommand(1);
    auto label = std::make_shared<std::string>();

    CLI::App* create = token->add_subcommand("create", "Create a token; prints it once");
    create->add_option("--label", *label, "Name of the token, such as the tool that uses it")
        ->required();
    create->callback([&globals, &action, label] {
        action = [&globals, label] { return create_token(globals, *label); };
    });

    CLI::App* list = token->add_subcommand("list", "List token labels and creation times");
    list->callback([&globals, &action] { action = [&globals] { return list_tokens(globals); }; });

    CLI::App* revoke = token->add_subcommand("revoke", "Remove a token; its holder gets 401");
    revoke->add_option("LABEL", *label, "Label of the token")->required();
    revoke->callback([&globals, &action, label] {
        action = [&globals, label] { return revoke_token(globals, *label); };
    });
}

} // namespace skrynka::app::cli
