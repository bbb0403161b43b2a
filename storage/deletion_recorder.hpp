// Records expunged messages durably: per message one message.expunge audit record and
// one deletion receipt signed with the audit key, all in one directory.db transaction.
#pragma once

#include "crypto/receipt.hpp"
#include "storage/audit_entries.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"
#include "storage/mailbox_types.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace skrynka::storage {

// Where the expunged messages came from.
struct expunge_origin {
    std::int64_t account_id = 0;
    std::string account; // canonical address
    std::string mailbox;
    std::uint32_t uidvalidity = 0;
    audit_protocol protocol = audit_protocol::imap;
    std::string remote; // the client's IP address, or empty
};

// Thread-safe: calls from several sessions take turns on one connection of its own to
// directory.db, which SQLite keeps consistent with the server's other connections.
class deletion_recorder {
  public:
    // Opens a connection to the existing directory.db. Throws what database::open and
    // audit_log::open throw.
    static std::shared_ptr<deletion_recorder> open(const std::filesystem::path& directory_database,
                                                   const crypto::secret_bytes& storage_key);

    explicit deletion_recorder(database db);
    deletion_recorder(const deletion_recorder&) = delete;
    deletion_recorder& operator=(const deletion_recorder&) = delete;

    // Writes the audit records and receipts of messages, which the mailbox store has
    // already deleted. Returns the receipts in the order of messages once they are
    // durable. Throws storage_error; then nothing of this call is stored.
    std::vector<crypto::signed_receipt> record(const expunge_origin& origin,
                                               std::span<const expunged_message> messages);

  private:
    std::mutex mutex_;
    database db_;
    audit_log log_;
};

} // namespace skrynka::storage
