// Versioned schema migrations keyed on PRAGMA user_version.
#pragma once

#include "storage/database.hpp"

#include <span>
#include <string_view>

namespace skrynka::storage {

// One schema step: the SQL that takes a database from version - 1 to version.
struct migration {
    int version;
    std::string_view sql;
};

// Returns the schema version stored in the database header (0 for a new file).
int schema_version(database& db);

// Applies every step whose version is above the database's, in order, each in its own
// transaction together with the new user_version, so a crash leaves the database at a
// whole step. steps must be numbered 1, 2, 3, ... without gaps. Returns the version the
// database had before.
//
// Throws storage_error:
//   schema_too_new    the database is at a version above the last step (nothing changes)
//   invalid_argument  steps are not numbered 1..N
//   anything the SQL of a step raises (that step is rolled back)
int migrate(database& db, std::span<const migration> steps);

} // namespace skrynka::storage
