// `skrynka receipts list ADDRESS [--since TIME] [--json]` and `skrynka receipts show ID`:
// the signed deletion and wipe receipts kept in directory.db.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

void add_receipts_command(CLI::App& app, const global_options& globals,
                          std::function<int()>& action);

} // namespace skrynka::app::cli
