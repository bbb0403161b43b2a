#include "src/cli/instance_files.hpp"

#include "src/cli/cli_error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

[[noreturn]] void fail(std::string_view action, const std::filesystem::path& path, int error) {
    throw cli_error(
        fmt::format("failed to {} {}: {}", action, path.string(), std::strerror(error)));
}

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

  private:
    int fd_;
};

void sync_directory(const std::filesystem::path& path) {
    file_descriptor directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory.get() < 0 || ::fsync(directory.get()) != 0) {
        fail("sync folder", path, errno);
    }
}

} // namespace

void write_new_file(const std::filesystem::path& path, std::span<const unsigned char> bytes,
                    mode_t mode) {
    file_descriptor file(
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (file.get() < 0) {
        fail("create", path, errno);
    }
    // open() applies the umask; the key files need exactly the requested mode.
    if (::fchmod(file.get(), mode) != 0) {
        fail("set the mode of", path, errno);
    }

    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t count = ::write(file.get(), bytes.data() + written, bytes.size() - written);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            fail("write", path, errno);
        }
        written += static_cast<std::size_t>(count);
    }
    if (::fsync(file.get()) != 0) {
        fail("sync", path, errno);
    }
    sync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

bool make_private_directory(const std::filesystem::path& path) {
    if (::mkdir(path.c_str(), 0700) == 0) {
        if (::chmod(path.c_str(), 0700) != 0) {
            fail("set the mode of", path, errno);
        }
        return true;
    }
    if (errno != EEXIST) {
        fail("create folder", path, errno);
    }

    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
        fail("inspect", path, errno);
    }
    if (!S_ISDIR(status.st_mode)) {
        throw cli_error(fmt::format("{} exists but is not a folder", path.string()));
    }
    if (::chmod(path.c_str(), 0700) != 0) {
        fail("set the mode of", path, errno);
    }
    return false;
}

} // namespace skrynka::app::cli
