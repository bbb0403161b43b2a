// `skrynka user ...`: accounts, their passwords, app passwords, recovery and aliases.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the user subcommand and its own subcommands to app; see add_init_command for
// action.
void add_user_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
