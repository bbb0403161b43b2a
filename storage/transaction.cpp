#include "storage/transaction.hpp"

#include "storage/database.hpp"
#include "storage/error.hpp"

#include <sqlite3.h>

namespace skrynka::storage {

transaction::transaction(database& db) : db_(db) {
    if (sqlite3_get_autocommit(db_.native_handle()) == 0) {
        throw_error(errc::internal, db_.path(), "a transaction is already open");
    }
    db_.execute("BEGIN IMMEDIATE");
    open_ = true;
}

transaction::~transaction() {
    if (open_) {
        // Errors are ignored: SQLite may already have rolled back (after SQLITE_FULL, for
        // example), and a destructor has no one to report to.
        sqlite3_exec(db_.native_handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void transaction::commit() {
    db_.execute("COMMIT");
    open_ = false;
}

} // namespace skrynka::storage
