// An open SQLCipher 4 database, keyed with a 32-byte raw key, with the cipher settings
// pinned and the connection configured for durable, secure writes.
#pragma once

#include "crypto/secret.hpp"
#include "storage/statement.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;

namespace skrynka::storage {

enum class open_mode {
    create_new,    // the file must not exist (already_exists otherwise)
    open_existing, // the file must exist (not_found otherwise); nothing is ever created
    open_or_create,
};

struct open_options {
    // How long a statement waits for another connection's lock before failing with busy.
    std::chrono::milliseconds busy_timeout{5000};
};

// Size of the raw SQLCipher key in bytes.
inline constexpr std::size_t raw_key_size = 32;

// One SQLCipher connection. Move-only, and closed on destruction.
//
// Thread safety: use a database and the statements prepared on it from one thread at a
// time, which the storage executor ensures. Distinct database objects are independent.
class database {
  public:
    // Opens or creates the file at path, keys it with raw_key (exactly raw_key_size bytes,
    // invalid_argument otherwise), pins the cipher settings (4096-byte pages, HMAC-SHA512,
    // PBKDF2-HMAC-SHA512 with 256000 iterations, no plaintext header) and then proves the
    // key by reading the schema. Afterwards the connection runs in WAL mode with
    // secure_delete, synchronous=FULL, foreign keys and in-memory temporary storage.
    //
    // Throws storage_error:
    //   already_exists              create_new and the file (or its -wal file) exists
    //   not_found                   open_existing and the file is missing
    //   corrupt                     open_existing and the file is empty (SQLite would
    //                               otherwise treat it as a fresh database)
    //   wrong_key_or_not_a_database the key does not decrypt the file, or it is not an
    //                               SQLCipher database; the file is left untouched
    //   io_error, busy, ...         the operating system or SQLite failed
    // A file that fails to open is never truncated, rewritten or replaced.
    static database open(const std::filesystem::path& path, const crypto::secret_bytes& raw_key,
                         open_mode mode, const open_options& options = {});

    database(database&& other) noexcept;
    database& operator=(database&& other) noexcept;
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    // Compiles one SQL statement. Throws storage_error on a syntax or schema error.
    statement prepare(std::string_view sql);

    // Runs SQL text without parameters or results (schema, PRAGMA). Never pass it data.
    void execute(std::string_view sql);

    // Returns the SQLCipher version, for example "4.14.0 community".
    std::string cipher_version();

    // Copies every WAL frame into the database file and truncates the WAL to zero bytes,
    // so deleted pages no longer linger there. Throws busy when a reader blocks it.
    void checkpoint_truncate();

    std::int64_t last_insert_rowid() const noexcept;
    // Returns the number of rows the last INSERT, UPDATE or DELETE changed.
    int changes() const noexcept;
    const std::filesystem::path& path() const noexcept { return path_; }
    sqlite3* native_handle() const noexcept { return handle_; }

    // Throws storage_error for an SQLite result code, naming this file, the operation and
    // SQLite's own message (which names tables and columns, never bound values).
    [[noreturn]] void fail(int result_code, std::string_view operation) const;

  private:
    database(sqlite3* handle, std::filesystem::path path) noexcept;
    static database open_prepared(const std::filesystem::path& path,
                                  const crypto::secret_bytes& raw_key, const open_options& options);
    void close() noexcept;

    sqlite3* handle_ = nullptr;
    std::filesystem::path path_;
};

} // namespace skrynka::storage
