// The text form of audit record times: RFC 3339 timestamps in UTC with milliseconds,
// such as 2026-01-01T09:30:00.250Z. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::storage {

// Formats milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_audit_time(std::int64_t milliseconds);

// Parses an RFC 3339 date-time (section 5.6) or a full date alone, which means midnight
// UTC. Accepts a fraction of any length (digits beyond milliseconds are dropped), "Z" or
// a numeric offset such as "+02:00", and 'T', 't' or one space between date and time.
// Returns milliseconds since the Unix epoch, or nullopt for anything else, including a
// date that does not exist.
// NOTE: a leap second (second 60) is rejected, because the stored times are Unix times,
// which have no leap seconds.
std::optional<std::int64_t> parse_audit_time(std::string_view text);

} // namespace skrynka::storage
