#include "src/cli/audit_trail.hpp"

#include "policies/limits.hpp"
#include "storage/error.hpp"
#include "storage/key_file.hpp"

#include <iostream>

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
    return open_audit_log(opened.directory, opened.settings);
}

storage::audit_log open_audit_log(storage::directory& directory, const config::settings& settings) {
    return storage::audit_log::open(directory.db(), audit_options_from(settings));
}

std::unique_ptr<storage::audit_writer> open_audit_writer(const instance& opened) {
    const crypto::secret_bytes storage_key = storage::read_storage_key(opened.paths.storage_key);
    return std::make_unique<storage::audit_writer>(opened.paths.directory_database, storage_key,
                                                   audit_options_from(opened.settings));
}

namespace {

storage::audit_entry system_entry(storage::audit_event event, std::string_view detail) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::system;
    entry.event = event;
    entry.detail = std::string(detail);
    return entry;
}

storage::audit_entry admin_entry(storage::audit_event event, std::string_view subject,
                                 std::string_view detail, storage::audit_outcome outcome) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::admin;
    entry.event = event;
    entry.subject = std::string(subject);
    entry.outcome = outcome;
    entry.detail = std::string(detail);
    return entry;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

void record_admin_action(instance& opened, storage::audit_event event, std::string_view subject,
                         std::string_view detail, storage::audit_outcome outcome) {
    storage::audit_log log = open_audit_log(opened);
    log.append(admin_entry(event, subject, detail, outcome));
    // Without a running server nothing else signs records that have waited too long.
    log.maybe_checkpoint(now_ms());
}

void record_admin_action(storage::audit_log& log, storage::transaction& tx,
                         storage::audit_event event, std::string_view subject,
                         std::string_view detail, storage::audit_outcome outcome) {
    log.append(tx, admin_entry(event, subject, detail, outcome));
}

void checkpoint_if_due(storage::audit_log& log) {
    try {
        log.maybe_checkpoint(now_ms());
    } catch (const storage::storage_error& error) {
        std::cerr << "skrynka: warning: the change is saved, but signing an audit checkpoint "
                     "failed: "
                  << error.what() << '\n';
    }
}

void record_system_event(storage::audit_log& log, storage::audit_event event,
                         std::string_view detail) {
    log.append(system_entry(event, detail));
}

void record_system_event(storage::audit_writer& writer, storage::audit_event event,
                         std::string_view detail, storage::audit_outcome outcome) {
    storage::audit_entry entry = system_entry(event, detail);
    entry.outcome = outcome;
    writer.append_and_wait(entry);
}

} // namespace skrynka::app::cli
