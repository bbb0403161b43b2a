#include "src/cli/global_options.hpp"

#include "src/config/load_config.hpp"

namespace skrynka::app::cli {

config::settings global_options::load_settings() const {
    return config::load_config(config_file, overrides);
}

void add_global_options(CLI::App& app, global_options& options) {
    app.add_option("-c,--config", options.config_file, "Config file (TOML)")
        ->envname("SKRYNKA_CONFIG")
        ->type_name("FILE")
        ->capture_default_str();
    app.add_option("-o", options.overrides,
                   "Override one config key for this run: section.key=value, arrays "
                   "comma-separated (repeatable)")
        ->allow_extra_args(false)
        ->type_name("KEY=VALUE");
}

} // namespace skrynka::app::cli
