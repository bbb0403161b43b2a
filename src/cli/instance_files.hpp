// File operations for instance files that hold keys: created exclusively with an exact
// mode (the umask does not widen or narrow it), written in full and synced to disk.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <sys/types.h>

namespace skrynka::app::cli {

// Creates path with mode, writes bytes, fsyncs the file and its folder. Throws
// cli_error naming the path when the file exists (O_EXCL), is a symbolic link, or any
// call fails.
void write_new_file(const std::filesystem::path& path, std::span<const unsigned char> bytes,
                    mode_t mode);

// Creates the folder with mode 0700, or sets 0700 on an existing folder. Returns true
// when it created the folder. Throws cli_error when the path exists but is not a folder,
// or a call fails.
bool make_private_directory(const std::filesystem::path& path);

} // namespace skrynka::app::cli
