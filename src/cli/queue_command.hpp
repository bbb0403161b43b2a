// `skrynka queue list|retry ID|delete ID`: the outbound queue of messages waiting for
// delivery to other domains.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/CLI.hpp>
#include <functional>

namespace skrynka::app::cli {

void add_queue_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
