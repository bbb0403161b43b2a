// `skrynka init`: creates a new instance folder with its config file, storage key,
// self-signed certificate and empty directory database.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the init subcommand to app. When the user selects it, action is set to the
// function that runs it and returns the exit status.
void add_init_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
