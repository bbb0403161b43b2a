#include "storage/error.hpp"

#include <sqlite3.h>
#include <utility>

namespace skrynka::storage {

namespace {

class category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "storage"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::wrong_key_or_not_a_database:
            return "wrong key or not a database";
        case errc::corrupt:
            return "database is corrupt";
        case errc::not_found:
            return "not found";
        case errc::already_exists:
            return "already exists";
        case errc::io_error:
            return "input/output error";
        case errc::disk_full:
            return "disk full";
        case errc::busy:
            return "database is busy";
        case errc::constraint_violation:
            return "constraint violation";
        case errc::schema_too_new:
            return "schema is newer than this program";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::insecure_permissions:
            return "insecure file permissions";
        case errc::too_big:
            return "value too big";
        case errc::internal:
            return "internal storage error";
        }
        return "unknown storage error";
    }
};

} // namespace

const std::error_category& storage_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc value) noexcept {
    return {static_cast<int>(value), storage_category()};
}

errc errc_from_sqlite(int result_code) noexcept {
    if (result_code == SQLITE_CONSTRAINT_UNIQUE || result_code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return errc::already_exists;
    }
    switch (result_code & 0xff) {
    case SQLITE_NOTADB:
        return errc::wrong_key_or_not_a_database;
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
        return errc::corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return errc::busy;
    case SQLITE_CONSTRAINT:
        return errc::constraint_violation;
    case SQLITE_FULL:
        return errc::disk_full;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
        return errc::io_error;
    case SQLITE_TOOBIG:
        return errc::too_big;
    default:
        return errc::internal;
    }
}

storage_error::storage_error(errc value, std::filesystem::path path, std::string message)
    : std::system_error(make_error_code(value), message), path_(std::move(path)),
      message_(std::move(message)) {}

void throw_error(errc value, const std::filesystem::path& path, std::string_view message) {
    std::string text(message);
    text += ": ";
    text += path.string();
    throw storage_error(value, path, std::move(text));
}

} // namespace skrynka::storage
