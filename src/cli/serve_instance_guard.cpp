#include "src/cli/serve_instance_guard.hpp"

#include "src/cli/cli_error.hpp"
#include "src/logging/logging.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace skrynka::app::cli {

serve_instance_guard::serve_instance_guard(const config::instance_paths& paths) : paths_(paths) {
    const auto lock_path = paths_.state_dir / "serve.lock";
    // O_NOFOLLOW: a symbolic link planted in the state folder must not make serve create
    // or lock a file elsewhere.
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd_ < 0) {
        throw cli_error(
            fmt::format("cannot open the lock file {}: {}", lock_path.string(), std::strerror(errno)));
    }
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        ::close(lock_fd_);
        if (error == EWOULDBLOCK) {
            throw cli_error(fmt::format("another skrynka serve is already running on {} (it "
                                        "holds the lock on {}); stop it first",
                                        paths_.state_dir.string(), lock_path.string()));
        }
        throw cli_error(
            fmt::format("cannot lock {}: {}", lock_path.string(), std::strerror(error)));
    }

    struct stat status {};
    if (::stat(paths_.directory_database.c_str(), &status) == 0) {
        directory_device_ = status.st_dev;
        directory_inode_ = status.st_ino;
    }
}

serve_instance_guard::~serve_instance_guard() {
    if (lock_fd_ >= 0) {
        ::close(lock_fd_);
    }
}

// The audit records and checkpoints written since the change went to the unlinked file,
// so they are lost; the log line is what tells the operator.
bool serve_instance_guard::directory_database_intact() const {
    const std::string path = logging::log_value(paths_.directory_database.string());
    struct stat status {};
    if (::stat(paths_.directory_database.c_str(), &status) != 0) {
        spdlog::error("event=directory_lost reason=removed path={} error={}", path,
                      logging::log_value(std::strerror(errno)));
        return false;
    }
    if (status.st_dev != directory_device_ || status.st_ino != directory_inode_) {
        spdlog::error("event=directory_lost reason=replaced path={}", path);
        return false;
    }
    return true;
}

} // namespace skrynka::app::cli
