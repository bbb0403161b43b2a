// Where an export goes: a directory tree on disk, or one passphrase-encrypted file that
// holds the same tree. Paths are relative, with '/' between levels.
//
// Encrypted export format: a crypto::passphrase_stream whose messages are records,
// each one type byte and its payload:
//   'D' path                 a directory (its parent came earlier)
//   'F' mtime(8, LE) path    the start of a file; mtime in seconds since the Unix epoch
//   'C' bytes                the next bytes of the open file (at most 64 KiB per record)
//   'E'                      the end of the open file
//   'Z'                      the end of the export; the only record with the FINAL tag
#pragma once

#include "crypto/key_slot.hpp"
#include "crypto/secret.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace skrynka::archive {

// Not thread-safe. Calls must nest properly: write() and end_file() only between
// begin_file() and end_file(), one file at a time. Destroying a sink before finish()
// removes everything it wrote, so a failed export leaves nothing half-written.
class export_sink {
  public:
    virtual ~export_sink() = default;

    virtual void make_directory(std::string_view path) = 0;
    virtual void begin_file(std::string_view path, std::int64_t modification_time) = 0;
    virtual void write(std::string_view bytes) = 0;
    virtual void end_file() = 0;
    // Makes the export durable and complete.
    virtual void finish() = 0;
};

// Throws std::runtime_error when path is empty, absolute, or has an empty, "." or ".."
// level, so that no record of an export can name a file outside its root.
void check_relative_path(std::string_view path);

// Writes the tree under root, which must not exist: it is created with mode 0700, every
// directory below with 0700 and every file with 0600, each file with O_EXCL and without
// following symbolic links. Throws std::system_error naming the path on any failure.
std::unique_ptr<export_sink> make_directory_sink(const std::filesystem::path& root);

// Writes the encrypted export to file, which must not exist (created with mode 0600).
// Throws as make_directory_sink, and crypto_error from the key derivation.
std::unique_ptr<export_sink> make_encrypted_sink(const std::filesystem::path& file,
                                                 const crypto::secret_bytes& passphrase,
                                                 const crypto::argon2_params& params);

// Decrypts an encrypted export file into sink and finishes it. Throws crypto_error
// (authentication_failed for a wrong passphrase or a changed, truncated or extended
// file), std::runtime_error for a malformed record sequence, and what sink throws.
void unpack_encrypted_export(const std::filesystem::path& file,
                             const crypto::secret_bytes& passphrase, export_sink& sink);

} // namespace skrynka::archive
