// `skrynka dkim generate DOMAIN SELECTOR`: DKIM keys for a domain of the instance and
// the DNS records that publish them.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/CLI.hpp>
#include <functional>

namespace skrynka::app::cli {

void add_dkim_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
