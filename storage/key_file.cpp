#include "storage/key_file.hpp"

#include "storage/database.hpp"
#include "storage/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace skrynka::storage {

namespace {

std::string describe_errno(int error) {
    return std::string(" (") + std::strerror(error) + ")";
}

// Closes the descriptor on every exit path.
class file_descriptor {
  public:
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const noexcept { return fd_; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_;
};

void write_all(int fd, const unsigned char* data, std::size_t size,
               const std::filesystem::path& path) {
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_error(errc::io_error, path,
                        "cannot write storage key file" + describe_errno(errno));
        }
        data += written;
        size -= static_cast<std::size_t>(written);
    }
}

// Makes the new directory entry durable, so a crash after init cannot lose the key file
// while the databases it unlocks survive.
void sync_parent(const std::filesystem::path& path) {
    std::filesystem::path parent = path.parent_path();
    if (parent.empty()) {
        parent = ".";
    }
    file_descriptor dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
        throw_error(errc::io_error, path,
                    "cannot sync the key file's folder" + describe_errno(errno));
    }
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

} // namespace

crypto::secret_bytes write_storage_key(const std::filesystem::path& path) {
    file_descriptor fd(
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw_error(errc::already_exists, path,
                        "storage key file already exists; refusing to overwrite it");
        }
        throw_error(errc::io_error, path, "cannot create storage key file" + describe_errno(error));
    }

    try {
        // The umask can only narrow 0600, but an explicit fchmod makes the mode independent
        // of it.
        if (::fchmod(fd.get(), 0600) != 0) {
            throw_error(errc::io_error, path,
                        "cannot set storage key file mode" + describe_errno(errno));
        }
        crypto::secret_bytes key = crypto::secret_bytes::random(raw_key_size);
        write_all(fd.get(), key.data(), key.size(), path);
        if (::fsync(fd.get()) != 0) {
            throw_error(errc::io_error, path,
                        "cannot sync storage key file" + describe_errno(errno));
        }
        if (::close(fd.release()) != 0) {
            throw_error(errc::io_error, path,
                        "cannot close storage key file" + describe_errno(errno));
        }
        sync_parent(path);
        return key;
    } catch (...) {
        ::unlink(path.c_str());
        throw;
    }
}

crypto::secret_bytes read_storage_key(const std::filesystem::path& path) {
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == ENOENT) {
            throw_error(errc::not_found, path, "storage key file not found");
        }
        throw_error(errc::io_error, path, "cannot open storage key file" + describe_errno(error));
    }

    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        throw_error(errc::io_error, path, "cannot stat storage key file" + describe_errno(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        throw_error(errc::corrupt, path, "storage key file is not a regular file");
    }
    if ((info.st_mode & 077) != 0) {
        throw_error(errc::insecure_permissions, path,
                    "storage key file has mode " + octal_mode(info.st_mode) +
                        ", readable or writable by group or others; run chmod 600 on it");
    }
    if (info.st_size != static_cast<off_t>(raw_key_size)) {
        throw_error(errc::corrupt, path,
                    "storage key file must be exactly 32 bytes but is " +
                        std::to_string(info.st_size));
    }

    // Read one byte more than expected so a file that grew after fstat is still caught.
    crypto::secret_bytes buffer(raw_key_size + 1);
    std::size_t total = 0;
    while (total < buffer.size()) {
        const ssize_t got = ::read(fd.get(), buffer.data() + total, buffer.size() - total);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_error(errc::io_error, path,
                        "cannot read storage key file" + describe_errno(errno));
        }
        if (got == 0) {
            break;
        }
        total += static_cast<std::size_t>(got);
    }
    if (total != raw_key_size) {
        throw_error(errc::corrupt, path,
                    "storage key file must be exactly 32 bytes but is " + std::to_string(total));
    }
    return crypto::secret_bytes::copy_of(buffer.bytes().first(raw_key_size));
}

} // namespace skrynka::storage
