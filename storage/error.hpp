// Storage errors: one closed enum in std::error_code (category "storage") and the
// exception that carries it together with the database or key file it concerns.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace skrynka::storage {

// Every way a storage operation fails. Callers compare values, never message text.
enum class errc {
    wrong_key_or_not_a_database = 1, // key does not decrypt the file, or it is no database
    corrupt,                         // the file decrypts but its contents are damaged
    not_found,                       // the file, account, mailbox, message or slot is missing
    already_exists,                  // the file, address, mailbox name or slot label is taken
    io_error,                        // the operating system failed a read, write or sync
    disk_full,                       // no space left for the write
    busy,                            // another connection held a lock past the busy timeout
    constraint_violation,            // a schema rule rejected the row (other than uniqueness)
    schema_too_new,                  // the file was written by a newer skrynka
    invalid_argument,                // a caller-supplied value is malformed or out of range
    insecure_permissions,            // a key file is readable or writable by group or others
    too_big,                         // a value exceeds SQLite's size limits
    internal,                        // a bug: SQLite misuse or an unexpected result code
};

const std::error_category& storage_category() noexcept;
std::error_code make_error_code(errc value) noexcept;

// Maps an SQLite result code (primary or extended) to errc. Uniqueness failures
// (SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY) map to already_exists.
errc errc_from_sqlite(int result_code) noexcept;

// A storage failure. what() is a full sentence naming the file, for operators' logs;
// it never contains a key or message content. Thread-safe to copy and read.
class storage_error : public std::system_error {
  public:
    storage_error(errc value, std::filesystem::path path, std::string message);

    const std::filesystem::path& path() const noexcept { return path_; }
    const char* what() const noexcept override { return message_.c_str(); }

  private:
    std::filesystem::path path_;
    std::string message_;
};

// Throws storage_error(value, path, "MESSAGE: PATH").
[[noreturn]] void throw_error(errc value, const std::filesystem::path& path,
                              std::string_view message);

} // namespace skrynka::storage

template <> struct std::is_error_code_enum<skrynka::storage::errc> : std::true_type {};
