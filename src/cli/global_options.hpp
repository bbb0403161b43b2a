// Options that every subcommand accepts: the config file and its -o overrides.
#pragma once

#include "src/config/settings.hpp"

#include <CLI/App.hpp>
#include <string>
#include <vector>

namespace skrynka::app::cli {

struct global_options {
    std::string config_file = "/etc/skrynka/skrynka.toml";
    std::vector<std::string> overrides;

    // Loads and checks the config. Throws config::config_error.
    config::settings load_settings() const;
};

// Adds -c/--config (also read from SKRYNKA_CONFIG) and -o to app.
void add_global_options(CLI::App& app, global_options& options);

} // namespace skrynka::app::cli
