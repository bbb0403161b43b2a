// `skrynka serve`: runs the server until SIGTERM or SIGINT.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the serve subcommand to app; see add_init_command for action.
void add_serve_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
