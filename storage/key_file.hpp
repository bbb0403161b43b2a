// The storage key file: 32 random bytes, the raw SQLCipher key of the directory database.
#pragma once

#include "crypto/secret.hpp"

#include <filesystem>

namespace skrynka::storage {

// Creates a new key file at path holding 32 random bytes, with mode 0600, synced to disk
// together with its folder entry, and returns the key. Never overwrites: an existing
// file, even an empty one, is an error.
//
// Throws storage_error:
//   already_exists  something exists at path
//   io_error        the file could not be created, written or synced (a partly written
//                   file is removed)
crypto::secret_bytes write_storage_key(const std::filesystem::path& path);

// Reads a key file written by write_storage_key. Follows no symbolic link.
//
// Throws storage_error:
//   not_found             no file at path
//   insecure_permissions  group or others may read or write it (the message gives the
//                         mode and the chmod that fixes it)
//   corrupt               it is not a regular file of exactly 32 bytes
//   io_error              the read failed
crypto::secret_bytes read_storage_key(const std::filesystem::path& path);

} // namespace skrynka::storage
