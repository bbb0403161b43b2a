// The manifest of a backup folder: what `skrynka backup` copied, with BLAKE2b digests,
// signed with the instance's Ed25519 audit key. It is a text file named "manifest":
//
//   skrynka-backup 1
//   created 2026-12-05T00:40:00Z
//   audit-key <64 hex digits: the Ed25519 public key that signed it>
//   file <64 hex digits: BLAKE2b-256 of the file> <size in bytes> <path in the folder>
//   ...
//
// Paths are "directory.db" and "mailboxes/<account id>.db", nothing else, so a restore
// never writes outside its target folder. "manifest.sig" contains the signature of the
// manifest's exact bytes, in hex, followed by a line break.
#pragma once

#include "crypto/signing.hpp"
#include "storage/online_backup.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace skrynka::app::cli {

struct backup_file {
    std::string path; // relative to the backup folder
    storage::file_digest digest;
};

struct backup_manifest {
    std::string created; // RFC 3339, UTC
    crypto::signing_public_key audit_key{};
    std::vector<backup_file> files;
};

// Returns the manifest text.
std::string render_manifest(const backup_manifest& manifest);

// Parses manifest text. Throws cli_error naming the line when the text is not a version 1
// manifest, a digest or size is malformed, a path is not one of the two allowed forms, a
// path is listed twice, or directory.db is missing.
backup_manifest parse_manifest(std::string_view text);

} // namespace skrynka::app::cli
