// Text forms of audit records for `skrynka audit show`: a table for people and JSON
// Lines for programs. Stored text fields are already escaped printable ASCII (see
// storage/audit_record.hpp), so neither form can carry a terminal control sequence.
// All functions are thread-safe.
#pragma once

#include "storage/audit_record.hpp"

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

namespace skrynka::app::cli {

// Returns the table's heading line, without a line break.
std::string audit_table_heading();

// Returns one table line, without a line break. An empty subject, remote or detail is
// shown as "-".
std::string format_audit_table_row(const storage::audit_record& record);

// Returns one JSON object on one line, without a line break, with the fields sequence,
// time (RFC 3339), actor, event, subject, remote, outcome, detail and hash (hex). An
// actor or outcome byte with no name is written as its number.
std::string format_audit_json_line(const storage::audit_record& record);

// Returns the object that format_audit_json_line serializes.
boost::json::object audit_record_json(const storage::audit_record& record);

// Returns the name of an actor or outcome byte ("admin", "failure"), or its number when
// it has no name.
std::string actor_text(std::uint8_t actor);
std::string outcome_text(std::uint8_t outcome);

} // namespace skrynka::app::cli
