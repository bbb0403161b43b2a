// Audit records for what the administration commands do. Each command that changes
// the instance calls record_admin_action after its change committed and before it
// prints success, so a reported success always has its record on disk.
#pragma once

#include "src/cli/instance.hpp"
#include "storage/audit_log.hpp"

#include <string_view>

namespace skrynka::app::cli {

// Returns the audit log settings from the config's limits.
storage::audit_options audit_options_from(const config::settings& settings);

// Opens the audit log of an opened instance. The instance must stay where it is while
// the log exists, because the log refers to its directory database. Throws
// storage_error.
storage::audit_log open_audit_log(instance& opened);

// Appends one durable record with actor admin and no remote address, then writes a
// checkpoint when older records have waited past limits.audit_checkpoint_seconds.
// Throws storage_error, in which case the caller must not report success.
void record_admin_action(instance& opened, storage::audit_event event, std::string_view subject,
                         std::string_view detail = {},
                         storage::audit_outcome outcome = storage::audit_outcome::success);

// Appends one durable record with actor system, no subject and no remote address.
// Throws storage_error.
void record_system_event(storage::audit_log& log, storage::audit_event event,
                         std::string_view detail = {});

} // namespace skrynka::app::cli
