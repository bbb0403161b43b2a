// Consistent copies of live databases for `skrynka backup`, and the digests that the
// backup manifest lists. The copies stay encrypted exactly as the originals.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "crypto/signing.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <filesystem>

namespace skrynka::storage {

// Copies the database open as source into a new file at destination with SQLite's online
// backup API, in one step inside one read transaction. So the copy is the state of one
// moment, and in WAL mode writers on other connections (a running server) are not
// blocked. The copy is keyed with raw_key, which must be the
// source's key, and its WAL is merged into it before it is closed.
//
// Throws storage_error: already_exists when destination exists, busy when the source
// stays locked for longer than its busy timeout, io_error and others when SQLite fails.
void copy_database_online(database& source, const std::filesystem::path& destination,
                          const crypto::secret_bytes& raw_key);

struct file_digest {
    crypto::digest blake2b{}; // 32-byte BLAKE2b of the content
    std::uint64_t size = 0;   // bytes
};

// Returns the BLAKE2b digest and the size of the file at path, read in blocks so any size
// is hashed in constant memory. Throws storage_error: not_found, io_error.
file_digest digest_file(const std::filesystem::path& path);

// Returns the instance's audit signing key pair from directory.db, without creating one.
// Throws storage_error(not_found) when the directory has no audit key yet, and
// storage_error(corrupt) when the stored seed has the wrong size.
crypto::signing_key_pair read_audit_signing_key(database& directory_db);

} // namespace skrynka::storage
