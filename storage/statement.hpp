// A prepared SQLite statement: the only way skrynka passes values to SQL.
#pragma once

#include "crypto/secret.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3_stmt;

namespace skrynka::storage {

class database;

// Move-only; finalized on destruction. Parameter and column indexes follow SQLite:
// parameters count from 1, result columns from 0. Bound text and blobs are copied, so
// the caller's buffers may go away after the bind call.
//
// Every failure throws storage_error naming the database file. Not thread-safe. The
// owning database must outlive the statement and must not be moved while it exists,
// because the statement keeps its address for error reports.
class statement {
  public:
    statement(const database& owner, sqlite3_stmt* handle) noexcept;
    statement(statement&& other) noexcept;
    statement& operator=(statement&& other) noexcept;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement();

    statement& bind(int index, std::int64_t value);
    statement& bind_text(int index, std::string_view value);
    statement& bind_blob(int index, std::span<const unsigned char> value);
    statement& bind_null(int index);

    // Advances to the next row. Returns true when a row is available and false when the
    // statement has finished.
    bool step();

    // Runs a statement that returns no rows (or whose rows are not needed) to completion.
    void run();

    // Resets to before the first step and clears every binding.
    void reset();

    bool column_is_null(int index) const;
    std::int64_t column_int64(int index) const;
    std::string column_text(int index) const;
    std::vector<unsigned char> column_blob(int index) const;
    // Copies a blob column straight into guarded memory, for keys.
    crypto::secret_bytes column_secret(int index) const;
    // Returns the size in bytes of a text or blob column without copying it.
    std::int64_t column_size(int index) const;

  private:
    void check_bind(int result_code, int index);

    const database* owner_ = nullptr;
    sqlite3_stmt* handle_ = nullptr;
};

} // namespace skrynka::storage
