// The admin subcommands: `admin token create --label L` makes a bearer token for the
// admin endpoint and prints it once, `admin token list` lists the labels, and
// `admin token revoke LABEL` removes one. Each change is recorded in the audit log.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds `admin token create|list|revoke` to app; the chosen one is stored in action.
void add_admin_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
