// `skrynka backup` and `skrynka restore`: an online, signed copy of an instance's
// databases, and a new state folder made from one after it verifies.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the backup and restore subcommands to app; see add_init_command for action.
void add_backup_commands(CLI::App& app, const global_options& globals,
                         std::function<int()>& action);

} // namespace skrynka::app::cli
