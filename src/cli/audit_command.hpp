// The audit subcommands: `audit show` lists records, `audit verify` recomputes the hash
// chain and checks the checkpoint signatures, and `audit head` prints the position to
// write down for a later `audit verify --expect-head`.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Exit status of `audit verify` when the log fails verification, distinct from 1 (the
// command could not run) so that scripts can tell tampering from a broken setup.
inline constexpr int audit_verify_failed_status = 3;

// Adds `audit show|verify|head` to app; the chosen one is stored in action.
void add_audit_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
