#include "storage/migrations.hpp"

#include "storage/error.hpp"
#include "storage/transaction.hpp"

#include <string>

namespace skrynka::storage {

int schema_version(database& db) {
    statement query = db.prepare("PRAGMA user_version");
    if (!query.step()) {
        throw_error(errc::internal, db.path(), "PRAGMA user_version returned no row");
    }
    return static_cast<int>(query.column_int64(0));
}

int migrate(database& db, std::span<const migration> steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].version != static_cast<int>(i) + 1) {
            throw_error(errc::invalid_argument, db.path(),
                        "schema migrations must be numbered 1..N without gaps");
        }
    }

    const int before = schema_version(db);
    const int latest = static_cast<int>(steps.size());
    if (before > latest) {
        throw_error(errc::schema_too_new, db.path(),
                    "database schema version " + std::to_string(before) +
                        " is newer than the highest this program knows (" + std::to_string(latest) +
                        "); upgrade skrynka to open");
    }

    for (int version = before + 1; version <= latest; ++version) {
        transaction tx(db);
        db.execute(steps[static_cast<std::size_t>(version - 1)].sql);
        // user_version lives in the database header, so it commits with the step.
        db.execute("PRAGMA user_version = " + std::to_string(version));
        tx.commit();
    }
    return before;
}

} // namespace skrynka::storage
