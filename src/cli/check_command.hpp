// `skrynka check`: validates an instance's config and surroundings before serve runs,
// prints the listeners serve would open, and reports every problem it finds.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the check subcommand to app; see add_init_command for action.
void add_check_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
