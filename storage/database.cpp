#include "storage/database.hpp"

#include "storage/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace skrynka::storage {

namespace {

// Cipher settings written out in full, so that a later SQLCipher release with other
// defaults still opens our files. Names and values as SQLCipher 4.14 accepts them.
constexpr const char* pinned_cipher_settings[] = {
    "PRAGMA cipher_page_size = 4096",
    "PRAGMA kdf_iter = 256000",
    "PRAGMA cipher_use_hmac = ON",
    "PRAGMA cipher_hmac_algorithm = HMAC_SHA512",
    "PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512",
    "PRAGMA cipher_plaintext_header_size = 0",
};

constexpr const char* connection_settings[] = {
    "PRAGMA secure_delete = ON",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
};

std::filesystem::path wal_path(const std::filesystem::path& path) {
    return std::filesystem::path(path.string() + "-wal");
}

// Creates the file with mode 0600 before SQLite opens it, because SQLite would create it
// with its default of 0644. With exclusive set, an existing file is an error.
void create_private_file(const std::filesystem::path& path, bool exclusive) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;
    if (exclusive) {
        flags |= O_EXCL;
    }
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw_error(errc::already_exists, path, "database file already exists");
        }
        throw_error(errc::io_error, path,
                    std::string("cannot create database file (") + std::strerror(error) + ")");
    }
    ::close(fd);
}

// Checks what the open mode requires of the file before SQLite touches it. Returns true
// when it created the file.
bool prepare_file(const std::filesystem::path& path, open_mode mode) {
    std::error_code error;
    const auto status = std::filesystem::symlink_status(path, error);
    const bool exists = !error && std::filesystem::exists(status);

    switch (mode) {
    case open_mode::create_new:
        if (exists || std::filesystem::exists(wal_path(path), error)) {
            throw_error(errc::already_exists, path, "database file already exists");
        }
        create_private_file(path, true);
        return true;
    case open_mode::open_existing:
        if (!exists) {
            throw_error(errc::not_found, path, "database file not found");
        }
        if (std::filesystem::is_regular_file(status) &&
            std::filesystem::file_size(path, error) == 0 && !error) {
            throw_error(errc::corrupt, path, "database file is empty");
        }
        return false;
    case open_mode::open_or_create:
        if (!exists) {
            create_private_file(path, false);
            return true;
        }
        return false;
    }
    return false;
}

void remove_database_files(const std::filesystem::path& path) noexcept {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(wal_path(path), ignored);
    std::filesystem::remove(std::filesystem::path(path.string() + "-shm"), ignored);
}

// Builds the SQLCipher raw-key literal x'<64 hex digits>' in guarded memory.
crypto::secret_bytes raw_key_literal(const crypto::secret_bytes& raw_key) {
    static constexpr char digits[] = "0123456789abcdef";
    crypto::secret_bytes literal(2 + raw_key.size() * 2 + 1);
    unsigned char* out = literal.data();
    *out++ = 'x';
    *out++ = '\'';
    for (unsigned char byte : raw_key.bytes()) {
        *out++ = static_cast<unsigned char>(digits[byte >> 4]);
        *out++ = static_cast<unsigned char>(digits[byte & 0x0f]);
    }
    *out = '\'';
    return literal;
}

} // namespace

database::database(sqlite3* handle, std::filesystem::path path) noexcept
    : handle_(handle), path_(std::move(path)) {}

database::database(database&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), path_(std::move(other.path_)) {}

database& database::operator=(database&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

database::~database() {
    close();
}

void database::close() noexcept {
    if (handle_ != nullptr) {
        // sqlite3_close_v2 defers the close until any forgotten statement is finalized.
        sqlite3_close_v2(handle_);
        handle_ = nullptr;
    }
}

database database::open(const std::filesystem::path& path, const crypto::secret_bytes& raw_key,
                        open_mode mode, const open_options& options) {
    if (raw_key.size() != raw_key_size) {
        throw_error(errc::invalid_argument, path, "database key must be 32 bytes");
    }
    const bool created = prepare_file(path, mode);
    try {
        return open_prepared(path, raw_key, options);
    } catch (...) {
        // Only a file this call created is removed; an existing one is never touched.
        if (created) {
            remove_database_files(path);
        }
        throw;
    }
}

database database::open_prepared(const std::filesystem::path& path,
                                 const crypto::secret_bytes& raw_key, const open_options& options) {
    // The file exists now in every mode, so SQLite is never allowed to create one.
    sqlite3* handle = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE |
                      SQLITE_OPEN_NOFOLLOW;
    const int opened = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    database db(handle, path);
    if (opened != SQLITE_OK) {
        db.fail(opened, "cannot open database file");
    }
    sqlite3_extended_result_codes(handle, 1);

    // SQLCipher writes its own diagnostics to stderr by default (a wrong key prints three
    // lines). Failures reach the caller as storage_error and are logged there in the
    // project's format, so its logging is switched off. The setting is process-wide.
    db.execute("PRAGMA cipher_log_level = NONE");

    {
        const crypto::secret_bytes literal = raw_key_literal(raw_key);
        const int keyed =
            sqlite3_key_v2(handle, "main", literal.data(), static_cast<int>(literal.size()));
        if (keyed != SQLITE_OK) {
            db.fail(keyed, "cannot set database key");
        }
    }
    for (const char* pragma : pinned_cipher_settings) {
        db.execute(pragma);
    }

    sqlite3_busy_timeout(handle, static_cast<int>(options.busy_timeout.count()));

    // The first read decrypts page 1; a wrong key or a foreign file fails here, before
    // anything has been written.
    const int verified =
        sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if (verified != SQLITE_OK) {
        const errc value = errc_from_sqlite(verified);
        if (value == errc::wrong_key_or_not_a_database || value == errc::corrupt) {
            throw_error(errc::wrong_key_or_not_a_database, path,
                        "wrong storage key or not a skrynka database");
        }
        db.fail(verified, "cannot read database schema");
    }

    {
        statement journal = db.prepare("PRAGMA journal_mode = WAL");
        if (!journal.step() || journal.column_text(0) != "wal") {
            throw_error(errc::io_error, path, "cannot switch database to WAL mode");
        }
    }
    for (const char* pragma : connection_settings) {
        db.execute(pragma);
    }
    return db;
}

statement database::prepare(std::string_view sql) {
    sqlite3_stmt* handle = nullptr;
    const int result =
        sqlite3_prepare_v2(handle_, sql.data(), static_cast<int>(sql.size()), &handle, nullptr);
    if (result != SQLITE_OK) {
        fail(result, "cannot prepare statement");
    }
    return statement(*this, handle);
}

void database::execute(std::string_view sql) {
    const std::string text(sql);
    const int result = sqlite3_exec(handle_, text.c_str(), nullptr, nullptr, nullptr);
    if (result != SQLITE_OK) {
        fail(result, "cannot execute statement");
    }
}

std::string database::cipher_version() {
    statement query = prepare("PRAGMA cipher_version");
    if (!query.step()) {
        throw_error(errc::internal, path_, "SQLCipher returned no cipher_version");
    }
    return query.column_text(0);
}

void database::checkpoint_truncate() {
    int log_frames = 0;
    int checkpointed = 0;
    const int result = sqlite3_wal_checkpoint_v2(handle_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                                 &log_frames, &checkpointed);
    if (result != SQLITE_OK) {
        fail(result, "cannot checkpoint the WAL");
    }
}

std::int64_t database::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(handle_);
}

int database::changes() const noexcept {
    return sqlite3_changes(handle_);
}

void database::fail(int result_code, std::string_view operation) const {
    std::string message(operation);
    if (handle_ != nullptr) {
        message += " (";
        message += sqlite3_errmsg(handle_);
        message += ")";
    } else {
        message += " (";
        message += sqlite3_errstr(result_code);
        message += ")";
    }
    throw_error(errc_from_sqlite(result_code), path_, message);
}

} // namespace skrynka::storage
