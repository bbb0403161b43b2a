// Audit records for what the administration commands do. Each command that changes
// the instance either calls record_admin_action after its change committed and before
// it prints success, or appends the record inside the change's own transaction. Either
// way a reported success always has its record on disk.
#pragma once

#include "src/cli/instance.hpp"
#include "storage/audit_log.hpp"
#include "storage/audit_writer.hpp"

#include <memory>
#include <string_view>

namespace skrynka::app::cli {

// Returns the audit log settings from the config's limits.
storage::audit_options audit_options_from(const config::settings& settings);

// Opens the audit log of an opened instance. The instance must stay where it is while
// the log exists, because the log refers to its directory database. Throws
// storage_error.
storage::audit_log open_audit_log(instance& opened);

// Opens the audit log in directory with the limits of settings, for a caller that no
// longer holds the instance's own directory handle.
storage::audit_log open_audit_log(storage::directory& directory, const config::settings& settings);

// Opens the server's audit writer on the instance's directory database, with a
// connection of its own, the storage key read again from its file and the limits of
// settings. Throws what read_storage_key and audit_writer's constructor throw.
std::unique_ptr<storage::audit_writer> open_audit_writer(const instance& opened);

// Appends one durable record with actor admin and no remote address, then writes a
// checkpoint when older records have waited past limits.audit_checkpoint_seconds.
// Throws storage_error, in which case the caller must not report success.
void record_admin_action(instance& opened, storage::audit_event event, std::string_view subject,
                         std::string_view detail = {},
                         storage::audit_outcome outcome = storage::audit_outcome::success);

// Appends one record with actor admin and no remote address inside tx, a transaction
// the caller opened on the instance's directory database, so that the record commits
// or rolls back together with the change it records. Throws storage_error.
void record_admin_action(storage::audit_log& log, storage::transaction& tx,
                         storage::audit_event event, std::string_view subject,
                         std::string_view detail = {},
                         storage::audit_outcome outcome = storage::audit_outcome::success);

// Writes a checkpoint when older records have waited past limits.audit_checkpoint_seconds.
// For use after a change has committed: a failure is reported on stderr as a warning,
// because the change itself and its record are already durable.
void checkpoint_if_due(storage::audit_log& log);

// Appends one durable record with actor system, no subject and no remote address.
// Throws storage_error.
void record_system_event(storage::audit_log& log, storage::audit_event event,
                         std::string_view detail = {});

// Does the same through the server's audit writer, blocking until the record is durable.
void record_system_event(storage::audit_writer& writer, storage::audit_event event,
                         std::string_view detail = {},
                         storage::audit_outcome outcome = storage::audit_outcome::success);

} // namespace skrynka::app::cli
