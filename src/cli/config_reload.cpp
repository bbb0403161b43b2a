// SIGHUP reload of the config file; see config_reload.hpp.
#include "src/cli/config_reload.hpp"

#include "src/config/load_config.hpp"
#include "src/logging/logging.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace skrynka::app::cli {

namespace {

// Every session copies these from the service snapshot it is accepted with, listeners
// read their per-address limit at each accept, the throttle and the outbound worker read
// theirs per check and per attempt.
constexpr std::array<std::string_view, 6> reloadable_prefixes{"imap_",  "smtp_",          "pop3_",
                                                             "admin_", "login_failure", "delivery_"};

constexpr std::string_view cleartext_login_key = "cleartext_login_on_loopback";

void note_if_changed(bool changed, std::string_view key, std::vector<std::string>& changes) {
    if (changed) {
        changes.emplace_back(key);
    }
}

// The keys outside [limits], in schema order. None of them is applied on reload: they
// name sockets, files, keys or identities that serve set up before dropping privileges.
void compare_other_keys(const config::settings& started, const config::settings& loaded,
                        std::vector<std::string>& changes) {
    const config::server_settings& a = started.server;
    const config::server_settings& b = loaded.server;
    note_if_changed(a.hostname != b.hostname, "server.hostname", changes);
    note_if_changed(a.domains != b.domains, "server.domains", changes);
    note_if_changed(a.state_dir != b.state_dir, "server.state_dir", changes);
    note_if_changed(a.user != b.user, "server.user", changes);
    note_if_changed(a.group != b.group, "server.group", changes);
    // The certificate files are read again on every SIGHUP; moving them elsewhere is not.
    note_if_changed(started.tls.certificate != loaded.tls.certificate, "tls.certificate", changes);
    note_if_changed(started.tls.private_key != loaded.tls.private_key, "tls.private_key", changes);

    const config::listen_settings& l = started.listen;
    const config::listen_settings& m = loaded.listen;
    note_if_changed(l.smtp != m.smtp, "smtp.listen", changes);
    note_if_changed(l.submission != m.submission, "submission.listen", changes);
    note_if_changed(l.submission_tls != m.submission_tls, "submission.listen_tls", changes);
    note_if_changed(l.imap != m.imap, "imap.listen", changes);
    note_if_changed(l.imap_tls != m.imap_tls, "imap.listen_tls", changes);
    note_if_changed(l.pop3 != m.pop3, "pop3.listen", changes);
    note_if_changed(l.pop3_tls != m.pop3_tls, "pop3.listen_tls", changes);
    note_if_changed(l.admin != m.admin, "admin.listen", changes);
    note_if_changed(l.admin_tls != m.admin_tls, "admin.listen_tls", changes);

    const config::delivery_settings& d = started.delivery;
    const config::delivery_settings& e = loaded.delivery;
    note_if_changed(d.mx_override != e.mx_override, "delivery.mx_override", changes);
    note_if_changed(d.smarthost_host != e.smarthost_host || d.smarthost_port != e.smarthost_port,
                    "delivery.smarthost", changes);
    note_if_changed(d.smarthost_username != e.smarthost_username, "delivery.smarthost_username",
                    changes);
    note_if_changed(d.smarthost_password_file != e.smarthost_password_file,
                    "delivery.smarthost_password_file", changes);
    note_if_changed(d.smarthost_ca_file != e.smarthost_ca_file, "delivery.smarthost_ca_file",
                    changes);
    note_if_changed(started.log_level != loaded.log_level, "log.level", changes);
}

std::string joined_or_none(const std::vector<std::string>& keys) {
    return keys.empty() ? std::string("none") : fmt::format("{}", fmt::join(keys, ","));
}

} // namespace

bool limit_applies_on_reload(std::string_view name) {
    if (name == cleartext_login_key) {
        return true;
    }
    return std::any_of(reloadable_prefixes.begin(), reloadable_prefixes.end(),
                       [name](std::string_view prefix) { return name.starts_with(prefix); });
}

config_changes compare_settings(const config::settings& started,
                                const policies::limit_values& current_limits,
                                const config::settings& loaded) {
    config_changes changes;
    for (const policies::limit& definition : policies::all_limits()) {
        const std::int64_t next = loaded.limits.*definition.field;
        const std::string key = fmt::format("limits.{}", definition.name);
        if (limit_applies_on_reload(definition.name)) {
            note_if_changed(current_limits.*definition.field != next, key, changes.applied);
        } else {
            note_if_changed(started.limits.*definition.field != next, key, changes.needs_restart);
        }
    }
    compare_other_keys(started, loaded, changes.needs_restart);
    return changes;
}

reload_result reload_config(const global_options& globals, server::server_context& context) {
    config::settings loaded;
    try {
        loaded = config::load_config(context.settings().file, globals.overrides);
    } catch (const std::exception& error) {
        // The message names the file, line and key, never a secret: the config holds
        // paths to key files, not keys.
        spdlog::error("event=config_reload_failed file={} error={}",
                      logging::log_value(context.settings().file.string()),
                      logging::log_value(error.what()));
        return {false, "config=failed"};
    }

    const config_changes changes = compare_settings(context.settings(), *context.limits(), loaded);
    if (!changes.applied.empty()) {
        context.apply_limits(loaded.limits);
    }
    spdlog::info("event=config_reloaded file={} applied={}",
                 logging::log_value(context.settings().file.string()),
                 joined_or_none(changes.applied));
    if (!changes.needs_restart.empty()) {
        spdlog::warn("event=config_restart_needed keys={}", joined_or_none(changes.needs_restart));
    }
    return {true, fmt::format("config=loaded applied={} needs_restart={}",
                              joined_or_none(changes.applied),
                              joined_or_none(changes.needs_restart))};
}

} // namespace skrynka::app::cli
