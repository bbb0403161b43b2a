// SIGHUP reload of the config file, as config_reload.hpp describes.
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
constexpr std::array<std::string_view, 6> reloadable_prefixes{
    "imap_", "smtp_", "pop3_", "admin_", "login_failure", "delivery_"};

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
    const config::server_settings& old_server = started.server;
    const config::server_settings& new_server = loaded.server;
    note_if_changed(old_server.hostname != new_server.hostname, "server.hostname", changes);
    note_if_changed(old_server.domains != new_server.domains, "server.domains", changes);
    note_if_changed(old_server.state_dir != new_server.state_dir, "server.state_dir", changes);
    note_if_changed(old_server.user != new_server.user, "server.user", changes);
    note_if_changed(old_server.group != new_server.group, "server.group", changes);
    // SIGHUP reads the certificate files again, but a new path needs a restart.
    note_if_changed(started.tls.certificate != loaded.tls.certificate, "tls.certificate", changes);
    note_if_changed(started.tls.private_key != loaded.tls.private_key, "tls.private_key", changes);

    const config::listen_settings& old_listen = started.listen;
    const config::listen_settings& new_listen = loaded.listen;
    note_if_changed(old_listen.smtp != new_listen.smtp, "smtp.listen", changes);
    note_if_changed(old_listen.submission != new_listen.submission, "submission.listen", changes);
    note_if_changed(old_listen.submission_tls != new_listen.submission_tls, "submission.listen_tls",
                    changes);
    note_if_changed(old_listen.imap != new_listen.imap, "imap.listen", changes);
    note_if_changed(old_listen.imap_tls != new_listen.imap_tls, "imap.listen_tls", changes);
    note_if_changed(old_listen.pop3 != new_listen.pop3, "pop3.listen", changes);
    note_if_changed(old_listen.pop3_tls != new_listen.pop3_tls, "pop3.listen_tls", changes);
    note_if_changed(old_listen.admin != new_listen.admin, "admin.listen", changes);
    note_if_changed(old_listen.admin_tls != new_listen.admin_tls, "admin.listen_tls", changes);
    note_if_changed(started.submission.received_names_client !=
                        loaded.submission.received_names_client,
                    "submission.received_client", changes);

    const config::delivery_settings& old_delivery = started.delivery;
    const config::delivery_settings& new_delivery = loaded.delivery;
    note_if_changed(old_delivery.mx_override != new_delivery.mx_override, "delivery.mx_override",
                    changes);
    note_if_changed(old_delivery.smarthost_host != new_delivery.smarthost_host ||
                        old_delivery.smarthost_port != new_delivery.smarthost_port,
                    "delivery.smarthost", changes);
    note_if_changed(old_delivery.smarthost_username != new_delivery.smarthost_username,
                    "delivery.smarthost_username", changes);
    note_if_changed(old_delivery.smarthost_password_file != new_delivery.smarthost_password_file,
                    "delivery.smarthost_password_file", changes);
    note_if_changed(old_delivery.smarthost_ca_file != new_delivery.smarthost_ca_file,
                    "delivery.smarthost_ca_file", changes);
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
    } catch (const config::config_error& error) {
        // Each problem names the file, line and key, never a secret, because the config
        // contains paths to key files, not keys.
        for (const std::string& problem : error.problems()) {
            spdlog::error(
                "event=config_reload_failed file={} result=previous_settings_kept error={}",
                logging::log_value(context.settings().file.string()),
                logging::log_value(problem));
        }
        return {false, "config=failed"};
    } catch (const std::exception& error) {
        // The message names the file, line and key, never a secret: the config holds
        // paths to key files, not keys.
        spdlog::error("event=config_reload_failed file={} result=previous_settings_kept error={}",
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
    return {true,
            fmt::format("config=loaded applied={} needs_restart={}",
                        joined_or_none(changes.applied), joined_or_none(changes.needs_restart))};
}

} // namespace skrynka::app::cli
