#include "src/cli/audit_trail.hpp"

#include "policies/limits.hpp"

namespace skrynka::app::cli {

static_assert(policies::limit_values{}.audit_checkpoint_interval ==
                  storage::audit_default_checkpoint_every_records,
              "the configured and the storage default checkpoint interval must agree");
static_assert(policies::limit_values{}.audit_checkpoint_seconds ==
                  storage::audit_default_checkpoint_interval.count(),
              "the configured and the storage default checkpoint time must agree");
static_assert(policies::limit_values{}.audit_retention_days ==
                  storage::audit_default_retention_days,
              "the configured and the storage default retention must agree");

storage::audit_options audit_options_from(const config::settings& settings) {
    storage::audit_options options;
    options.checkpoint_every_records = settings.limits.audit_checkpoint_interval;
    options.checkpoint_interval = std::chrono::seconds(settings.limits.audit_checkpoint_seconds);
    // audit_retention_days is applied by audit_upkeep in serve, not by the log.
    return options;
}

storage::audit_log open_audit_log(instance& opened) {
    return storage::audit_log::open(opened.directory.db(), audit_options_from(opened.settings));
}

void record_admin_action(instance& opened, storage::audit_event event, std::string_view subject,
                         std::string_view detail, storage::audit_outcome outcome) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::admin;
    entry.event = event;
    entry.subject = std::string(subject);
    entry.outcome = outcome;
    entry.detail = std::string(detail);
    storage::audit_log log = open_audit_log(opened);
    log.append(entry);
    // Without a running server nothing else signs records that have waited too long.
    log.maybe_checkpoint(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
}

void record_system_event(storage::audit_log& log, storage::audit_event event,
                         std::string_view detail) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::system;
    entry.event = event;
    entry.detail = std::string(detail);
    log.append(entry);
}

} // namespace skrynka::app::cli
