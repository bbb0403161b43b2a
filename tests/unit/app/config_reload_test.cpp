// What a SIGHUP reload applies to new sessions and what it reports as needing a restart.
#include "src/cli/config_reload.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::app;
using Catch::Matchers::VectorContains;

namespace {

config::settings started_settings() {
    config::settings settings;
    settings.file = "/etc/skrynka/skrynka.toml";
    settings.server.hostname = "mail.example.org";
    settings.server.domains = {"example.org"};
    settings.server.state_dir = "/var/lib/skrynka";
    settings.listen.smtp = {{"127.0.0.1", 2525}};
    return settings;
}

} // namespace

TEST_CASE("config reload finds no change") {
    const config::settings started = started_settings();
    const cli::config_changes changes = cli::compare_settings(started, started.limits, started);
    CHECK(changes.applied.empty());
    CHECK(changes.needs_restart.empty());
}

TEST_CASE("config reload applies session limits") {
    const config::settings started = started_settings();
    config::settings loaded = started;
    loaded.limits.smtp_message_size_max = 1024 * 1024;
    loaded.limits.imap_line_max_bytes = 4096;
    loaded.limits.pop3_connections_per_address_max = 3;
    loaded.limits.admin_body_max_bytes = 4096;
    loaded.limits.login_failures_max = 5;
    loaded.limits.delivery_retry_seconds = 600;
    loaded.limits.cleartext_login_on_loopback = 0;

    const cli::config_changes changes = cli::compare_settings(started, started.limits, loaded);
    CHECK(changes.applied == std::vector<std::string>{
                                 "limits.imap_line_max_bytes", "limits.cleartext_login_on_loopback",
                                 "limits.smtp_message_size_max", "limits.login_failures_max",
                                 "limits.pop3_connections_per_address_max",
                                 "limits.admin_body_max_bytes", "limits.delivery_retry_seconds"});
    CHECK(changes.needs_restart.empty());
}

TEST_CASE("config reload defers start-up limits") {
    for (const char* name :
         {"argon2_ops", "argon2_memory_kib", "password_min_length", "key_cache_seconds",
          "login_unwraps_concurrent_max", "audit_checkpoint_interval", "audit_retention_days",
          "submission_messages_per_hour", "submission_recipients_per_hour"}) {
        CAPTURE(name);
        CHECK_FALSE(cli::limit_applies_on_reload(name));
    }
    const config::settings started = started_settings();
    config::settings loaded = started;
    loaded.limits.key_cache_seconds = 60;
    const cli::config_changes changes = cli::compare_settings(started, started.limits, loaded);
    CHECK(changes.applied.empty());
    CHECK(changes.needs_restart == std::vector<std::string>{"limits.key_cache_seconds"});
}

TEST_CASE("config reload defers sockets and paths") {
    const config::settings started = started_settings();
    config::settings loaded = started;
    loaded.server.hostname = "mx.example.org";
    loaded.server.state_dir = "/srv/skrynka";
    loaded.tls.certificate = "/etc/skrynka/other.pem";
    loaded.listen.smtp = {{"127.0.0.1", 2526}};
    loaded.listen.imap_tls = {{"::1", 2993}};
    loaded.delivery.smarthost_host = "relay.example.net";
    loaded.log_level = "debug";

    const cli::config_changes changes = cli::compare_settings(started, started.limits, loaded);
    CHECK(changes.applied.empty());
    CHECK(changes.needs_restart == std::vector<std::string>{"server.hostname", "server.state_dir",
                                                            "tls.certificate", "smtp.listen",
                                                            "imap.listen_tls", "delivery.smarthost",
                                                            "log.level"});
}

TEST_CASE("config reload compares with last reload") {
    const config::settings started = started_settings();
    skrynka::policies::limit_values current = started.limits;
    current.smtp_message_size_max = 2048 * 1024;
    config::settings loaded = started;
    loaded.limits.smtp_message_size_max = 2048 * 1024;
    loaded.limits.key_cache_seconds = 60;

    // The size was applied by an earlier reload, so it is no change now; the key cache
    // still differs from what serve started with, so it is reported again.
    cli::config_changes changes = cli::compare_settings(started, current, loaded);
    CHECK(changes.applied.empty());
    CHECK_THAT(changes.needs_restart, VectorContains(std::string("limits.key_cache_seconds")));

    // Going back to the start-up size is a change to apply.
    loaded.limits.smtp_message_size_max = started.limits.smtp_message_size_max;
    changes = cli::compare_settings(started, current, loaded);
    CHECK(changes.applied == std::vector<std::string>{"limits.smtp_message_size_max"});
}
