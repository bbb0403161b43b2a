// SIGHUP for `skrynka serve`: reads the config file again and gives the new [limits] to
// sessions that start afterwards, without touching sessions already open. Settings bound
// to sockets, files or objects made at start-up are reported as needing a restart.
#pragma once

#include "policies/limits.hpp"
#include "src/cli/global_options.hpp"
#include "src/config/settings.hpp"
#include "src/server/server_context.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace skrynka::app::cli {

// Returns true when a new value of the [limits] key name reaches sessions that start
// after a reload: the protocol session limits, the per-address connection limits, the
// login throttle and the outbound delivery timings. The others (Argon2id parameters,
// password lengths, the key cache, the audit log, submission send rates) are read once
// by objects made at start-up, so they need a restart.
bool limit_applies_on_reload(std::string_view name);

// The keys whose values differ between the running server and the file read again, as
// "section.key", in schema order.
struct config_changes {
    // [limits] keys that sessions starting from now on get.
    std::vector<std::string> applied;
    // Keys whose new value is not used until serve restarts.
    std::vector<std::string> needs_restart;
};

// Compares loaded with what the server runs with: started are the settings serve started
// with, current_limits the limits new sessions get now (after earlier reloads). A limit
// that applies on reload is compared with current_limits, any other key with started, so
// a change that needs a restart is reported on every reload until the restart.
config_changes compare_settings(const config::settings& started,
                                const policies::limit_values& current_limits,
                                const config::settings& loaded);

// What one reload did, for the audit record.
struct reload_result {
    bool loaded = false;
    // key=value text without secrets: "config=loaded applied=... needs_restart=..." or
    // "config=failed".
    std::string detail;
};

// Reads the config file serve started with (context.settings().file) with the command
// line's overrides again. When it loads and passes every check, applies the changed
// limits through context.apply_limits and logs event=config_reloaded with the applied
// keys and one event=config_restart_needed line naming the keys that need a restart.
// When it does not load, changes nothing and logs event=config_reload_failed with the
// loader's message, which names the line and key to fix. Call it on context.io(), as serve's SIGHUP
// handler does. Never throws for a bad file.
reload_result reload_config(const global_options& globals, server::server_context& context);

} // namespace skrynka::app::cli
