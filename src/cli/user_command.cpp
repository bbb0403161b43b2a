#include "src/cli/user_command.hpp"

#include "src/cli/user_actions.hpp"

#include <memory>

namespace skrynka::app::cli {

namespace {

struct user_arguments {
    std::string address;
    std::string alias;
    std::string label;
    bool yes = false;
};

void add_account_commands(CLI::App& user, const global_options& globals,
                          std::function<int()>& action, std::shared_ptr<user_arguments> arguments) {
    CLI::App* add = user.add_subcommand("add", "Create an account; prints its recovery code once");
    add->add_option("ADDRESS", arguments->address, "Primary address, in one of server.domains")
        ->required();
    add->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return add_user(globals, arguments->address); };
    });

    CLI::App* list =
        user.add_subcommand("list", "List accounts with their aliases and app passwords");
    list->callback([&globals, &action] { action = [&globals] { return list_users(globals); }; });

    CLI::App* passwd =
        user.add_subcommand("passwd", "Change the login password (asks for the current one first)");
    passwd->add_option("ADDRESS", arguments->address, "Account address")->required();
    passwd->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return change_password(globals, arguments->address); };
    });

    CLI::App* remove =
        user.add_subcommand("delete", "Delete an account, its keys and its mailbox database");
    remove->add_option("ADDRESS", arguments->address, "Account address")->required();
    remove->add_flag("--yes", arguments->yes,
                     "Do not ask for confirmation (required when stdin is not a terminal)");
    remove->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return delete_user(globals, arguments->address, arguments->yes);
        };
    });

    CLI::App* recovery = user.add_subcommand(
        "recovery", "Set a new login password with the account's recovery code");
    recovery->add_option("ADDRESS", arguments->address, "Account address")->required();
    recovery->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return recover_user(globals, arguments->address); };
    });
}

void add_alias_commands(CLI::App& user, const global_options& globals, std::function<int()>& action,
                        std::shared_ptr<user_arguments> arguments) {
    CLI::App* alias = user.add_subcommand("alias", "Add or remove an alias address");
    alias->require_subcommand(1);

    CLI::App* add = alias->add_subcommand("add", "Deliver mail for ALIAS to ADDRESS");
    add->add_option("ALIAS", arguments->alias, "Alias address")->required();
    add->add_option("ADDRESS", arguments->address, "Account address")->required();
    add->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return add_alias(globals, arguments->alias, arguments->address);
        };
    });

    CLI::App* remove = alias->add_subcommand("remove", "Remove ALIAS from ADDRESS");
    remove->add_option("ALIAS", arguments->alias, "Alias address")->required();
    remove->add_option("ADDRESS", arguments->address, "Account address")->required();
    remove->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return remove_alias(globals, arguments->alias, arguments->address);
        };
    });
}

void add_app_password_commands(CLI::App& user, const global_options& globals,
                               std::function<int()>& action,
                               std::shared_ptr<user_arguments> arguments) {
    CLI::App* app_password =
        user.add_subcommand("app-password", "Add or revoke a password for one mail client");
    app_password->require_subcommand(1);

    CLI::App* add = app_password->add_subcommand("add", "Create an app password; prints it once");
    add->add_option("ADDRESS", arguments->address, "Account address")->required();
    add->add_option("--label", arguments->label, "Name of the client, such as 'phone'")->required();
    add->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return add_app_password(globals, arguments->address, arguments->label);
        };
    });

    CLI::App* revoke = app_password->add_subcommand("revoke", "Delete an app password");
    revoke->add_option("ADDRESS", arguments->address, "Account address")->required();
    revoke->add_option("--label", arguments->label, "Name given at creation")->required();
    revoke->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return revoke_app_password(globals, arguments->address, arguments->label);
        };
    });
}

} // namespace

void add_user_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    auto arguments = std::make_shared<user_arguments>();
    CLI::App* user = app.add_subcommand("user", "Manage accounts");
    user->require_subcommand(1);
    add_account_commands(*user, globals, action, arguments);
    add_alias_commands(*user, globals, action, arguments);
    add_app_password_commands(*user, globals, action, arguments);
}

} // namespace skrynka::app::cli
