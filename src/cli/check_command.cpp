#include "src/cli/check_command.hpp"

#include "src/cli/instance.hpp"
#include "src/cli/instance_checks.hpp"
#include "src/cli/printable_text.hpp"
#include "src/cli/process_privileges.hpp"

#include <fmt/format.h>
#include <iostream>
#include <stdexcept>

namespace skrynka::app::cli {

namespace {

// Opens the storage key and the directory database as serve does, and returns why that
// fails, if it does.
std::vector<std::string> check_state(const global_options& globals) {
    try {
        open_instance(globals);
    } catch (const std::exception& error) {
        // cli_error, storage_error and crypto errors name the file and what to check.
        return {error.what()};
    }
    return {};
}

void append(std::vector<std::string>& all, std::vector<std::string> more) {
    for (std::string& problem : more) {
        all.push_back(std::move(problem));
    }
}

int run_check(const global_options& globals) {
    // A config that does not load is reported by run() as one line, like in every command:
    // the checks below need its values.
    const config::settings settings = globals.load_settings();
    const std::vector<configured_listener> listeners = configured_listeners(settings.listen);

    std::cout << fmt::format("config {}\n", printable_text(settings.file.string()));
    std::cout << fmt::format("state_dir {}\n", printable_text(settings.server.state_dir.string()));
    for (const configured_listener& listener : listeners) {
        std::cout << fmt::format("listen {} {} {}\n", listener.key, listener.address.text(),
                                 listener.implicit_tls ? "tls" : "plain");
    }

    std::vector<std::string> problems;
    if (auto problem = serving_user_problem(settings.server)) {
        problems.push_back(std::move(*problem));
    }
    append(problems, check_state(globals));
    append(problems, check_certificate(settings));
    append(problems, check_hostname(settings.server.hostname));
    append(problems, check_listeners(listeners));

    for (const std::string& problem : problems) {
        std::cerr << "skrynka: check: " << printable_text(problem) << '\n';
    }
    if (!problems.empty()) {
        return 1;
    }
    std::cout << "check: no problems found\n";
    return 0;
}

} // namespace

void add_check_command(CLI::App& app, const global_options& globals,
                       std::function<int()>& action) {
    CLI::App* command = app.add_subcommand(
        "check", "Check the config, TLS files, host name, state folder and listen ports, print "
                 "the listeners serve would open, and print one line per problem");
    command->callback([&globals, &action] { action = [&globals] { return run_check(globals); }; });
}

} // namespace skrynka::app::cli
