#include "src/cli/run.hpp"

#include "crypto/secret.hpp"
#include "src/cli/admin_command.hpp"
#include "src/cli/audit_command.hpp"
#include "src/cli/backup_command.hpp"
#include "src/cli/check_command.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/dkim_command.hpp"
#include "src/cli/global_options.hpp"
#include "src/cli/init_command.hpp"
#include "src/cli/mail_transfer_command.hpp"
#include "src/cli/printable_text.hpp"
#include "src/cli/queue_command.hpp"
#include "src/cli/receipts_command.hpp"
#include "src/cli/serve_command.hpp"
#include "src/cli/user_command.hpp"
#include "src/cli/verify_command.hpp"
#include "src/cli/wipe_command.hpp"
#include "src/config/config_error.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>

namespace skrynka::app::cli {

namespace {

// Every failure message passes through here, and many of them quote input (addresses,
// labels, config values), so escaping here keeps each error on one line and keeps
// terminal escape sequences from the input out of the user's terminal.
int report_failure(std::string_view message, int exit_status) {
    std::cerr << "skrynka: " << printable_text(message) << '\n';
    return exit_status;
}

} // namespace

int run(int argc, char** argv) {
    CLI::App app("skrynka: a personal mail server that stores every message encrypted", "skrynka");
    app.set_version_flag("--version", "skrynka " SKRYNKA_VERSION);
    app.require_subcommand(1);
    // Global options may follow the subcommand: `skrynka user list -c FILE`.
    app.fallthrough();

    global_options globals;
    add_global_options(app, globals);

    std::function<int()> action;
    add_init_command(app, globals, action);
    add_serve_command(app, globals, action);
    add_user_command(app, globals, action);
    add_audit_command(app, globals, action);
    add_receipts_command(app, globals, action);
    add_verify_command(app, globals, action);
    add_wipe_command(app, globals, action);
    add_mail_transfer_commands(app, globals, action);
    add_admin_command(app, globals, action);
    add_queue_command(app, globals, action);
    add_dkim_command(app, globals, action);
    add_check_command(app, globals, action);
    add_backup_commands(app, globals, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    }

    // A closed pipe on stdout then fails the write with EPIPE, which the command reports
    // and handles (a secret that could not be printed is not kept), instead of killing
    // the process halfway through.
    std::signal(SIGPIPE, SIG_IGN);

    try {
        crypto::initialize();
        return action();
    } catch (const config::config_error& error) {
        for (const std::string& problem : error.problems()) {
            report_failure(problem, 1);
        }
        return 1;
    } catch (const cli_error& error) {
        return report_failure(error.what(), error.exit_status());
    } catch (const std::exception& error) {
        return report_failure(error.what(), 1);
    }
}

} // namespace skrynka::app::cli
