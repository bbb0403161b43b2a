// What `skrynka serve` holds on its instance while it runs: an exclusive lock, so that
// only one server uses a state folder, and the identity of directory.db, so that a
// directory database removed or replaced under the server is reported at stop.
#pragma once

#include "src/config/instance_paths.hpp"

#include <sys/types.h>

namespace skrynka::app::cli {

class serve_instance_guard {
  public:
    // Takes an exclusive flock(2) on serve.lock in the state folder (created with mode
    // 0600), without waiting, and notes the device and inode of directory.db. Throws
    // cli_error naming the lock file when another process holds the lock or the file
    // cannot be opened. The lock is released when the guard is destroyed or the process
    // ends, however it ends.
    explicit serve_instance_guard(const config::instance_paths& paths);
    serve_instance_guard(const serve_instance_guard&) = delete;
    serve_instance_guard& operator=(const serve_instance_guard&) = delete;
    ~serve_instance_guard();

    // Returns true when directory.db is still the file that was there at start. Logs an
    // error and returns false when it was removed or replaced, because then the
    // records written since then went to a file that no longer has a name.
    bool directory_database_intact() const;

  private:
    config::instance_paths paths_;
    int lock_fd_ = -1;
    dev_t directory_device_ = 0;
    ino_t directory_inode_ = 0;
};

} // namespace skrynka::app::cli
