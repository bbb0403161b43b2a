// `skrynka verify deletion RECEIPT_ID`, `skrynka verify wipe RECEIPT_ID` and
// `skrynka verify receipt FILE --public-key KEY`.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

void add_verify_command(CLI::App& app, const global_options& globals,
                        std::function<int()>& action);

} // namespace skrynka::app::cli
