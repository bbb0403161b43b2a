#include "storage/online_backup.hpp"

#include "storage/error.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <system_error>
#include <unistd.h>

namespace skrynka::storage {

namespace {

// How often a busy source is retried, 100 ms apart, before the copy fails.
constexpr int busy_retries = 100;

class backup_handle {
  public:
    backup_handle(database& target, database& source)
        : target_(target), handle_(sqlite3_backup_init(target.native_handle(), "main",
                                                       source.native_handle(), "main")) {
        if (handle_ == nullptr) {
            target.fail(sqlite3_errcode(target.native_handle()), "start the online backup");
        }
    }
    backup_handle(const backup_handle&) = delete;
    backup_handle& operator=(const backup_handle&) = delete;
    ~backup_handle() {
        if (handle_ != nullptr) {
            sqlite3_backup_finish(handle_);
        }
    }

    // Copies every page at once (-1), so the copy reflects one read transaction.
    void copy_all() {
        for (int attempt = 0;; ++attempt) {
            const int result = sqlite3_backup_step(handle_, -1);
            if (result == SQLITE_DONE) {
                break;
            }
            if ((result == SQLITE_BUSY || result == SQLITE_LOCKED) && attempt < busy_retries) {
                sqlite3_sleep(100);
                continue;
            }
            target_.fail(result, "copy the pages of the online backup");
        }
        const int result = sqlite3_backup_finish(handle_);
        handle_ = nullptr;
        if (result != SQLITE_OK) {
            target_.fail(result, "finish the online backup");
        }
    }

  private:
    database& target_;
    sqlite3_backup* handle_;
};

struct file_descriptor {
    int fd = -1;
    ~file_descriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

} // namespace

void copy_database_online(database& source, const std::filesystem::path& destination,
                          const crypto::secret_bytes& raw_key) {
    database target = database::open(destination, raw_key, open_mode::create_new);
    backup_handle(target, source).copy_all();
    // The backup wrote through the target's WAL; merge it so the copy is one file.
    target.checkpoint_truncate();
}

file_digest digest_file(const std::filesystem::path& path) {
    file_descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (file.fd < 0) {
        const int error = errno;
        throw_error(error == ENOENT ? errc::not_found : errc::io_error, path,
                    "failed to open for hashing: " +
                        std::error_code(error, std::generic_category()).message());
    }

    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, crypto::hash_size);
    file_digest result;
    std::array<unsigned char, 64 * 1024> block{};
    for (;;) {
        const ssize_t count = ::read(file.fd, block.data(), block.size());
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            throw_error(errc::io_error, path,
                        "failed to read for hashing: " +
                            std::error_code(errno, std::generic_category()).message());
        }
        if (count == 0) {
            break;
        }
        crypto_generichash_update(&state, block.data(), static_cast<unsigned long long>(count));
        result.size += static_cast<std::uint64_t>(count);
    }
    crypto_generichash_final(&state, result.blake2b.data(), result.blake2b.size());
    return result;
}

crypto::signing_key_pair read_audit_signing_key(database& directory_db) {
    statement read = directory_db.prepare("SELECT value FROM meta WHERE name = 'audit_signing_seed'");
    if (!read.step()) {
        throw_error(errc::not_found, directory_db.path(), "the directory has no audit signing key");
    }
    if (read.column_size(0) != static_cast<std::int64_t>(crypto::signing_seed_size)) {
        throw_error(errc::corrupt, directory_db.path(), "the audit signing seed has the wrong size");
    }
    return crypto::signing_key_pair_from_seed(read.column_secret(0));
}

} // namespace skrynka::storage
