// Proof that the bytes a receipt speaks about are gone from one SQLCipher database: the
// receipt's signature and fingerprints are checked, then every page and WAL frame of the
// file is decrypted with the independent page reader and searched.
#pragma once

#include "crypto/absence_scan.hpp"
#include "crypto/fingerprint_set.hpp"
#include "crypto/secret.hpp"
#include "storage/receipt_store.hpp"

#include <filesystem>
#include <iosfwd>

namespace skrynka::app::cli {

// Throws cli_error unless the receipt's signature verifies under audit_key and its
// fingerprints match the digest it signs. Returns the decoded fingerprints.
crypto::fingerprints check_stored_receipt(const storage::stored_receipt& stored,
                                          const crypto::signing_public_key& audit_key);

// Scans database (and its -wal file) for the fingerprints. Throws std::system_error
// when the file cannot be read.
crypto::absence_report scan_database(const std::filesystem::path& database,
                                     const crypto::secret_bytes& key,
                                     const crypto::fingerprints& probes);

// Prints what was scanned and every match, one "key: value" line each.
void print_absence_report(std::ostream& out, const std::filesystem::path& database,
                          const crypto::absence_report& report);

} // namespace skrynka::app::cli
