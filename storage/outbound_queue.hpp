// The outbound queue: messages waiting for delivery to other domains, in their own
// SQLCipher file (queue.db) keyed with the storage key. The server must read them without
// any user's key, so each message is encrypted in chunks (crypto/chunked_aead.hpp) under
// the queue key, which is stored in queue.db and so wrapped by the storage key. Removing
// an entry runs with secure_delete and truncates the WAL, so a delivered message leaves
// no ciphertext behind either.
//
// One entry is one recipient domain of one submitted message: delivery makes one attempt
// per entry, with all of that domain's recipients.
#pragma once

#include "crypto/secret.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

using queue_entry_id = std::int64_t;

struct queue_entry {
    queue_entry_id id = 0;
    std::int64_t created = 0;      // seconds since the Unix epoch
    std::int64_t next_attempt = 0; // seconds since the Unix epoch; 0 means now
    std::int64_t attempts = 0;
    std::string sender;            // envelope sender, never empty
    std::int64_t sender_account = 0;
    std::string domain;            // the recipients' domain, lowercase
    std::vector<std::string> recipients;
    std::int64_t size = 0;         // octets of the message
    std::string last_error;        // the last failure in one line, empty before any
};

// The envelope of one submitted transaction, for its remote recipients.
struct queued_message {
    std::string sender;
    std::int64_t sender_account = 0;
    std::vector<std::string> recipients; // local@domain, grouped by domain on add()
};

// Thread safety: one thread at a time, like database.
class outbound_queue {
  public:
    // Opens or creates queue.db at path with the storage key, applies the schema and
    // creates the queue key on first use. Throws storage_error as database::open does.
    static outbound_queue open(const std::filesystem::path& path,
                               const crypto::secret_bytes& storage_key, open_mode mode);

    // Encrypts message and adds one entry per recipient domain, all in one transaction
    // that is durable (synchronous=FULL) when add() returns. Returns the new entry ids.
    // Throws storage_error; nothing is queued then.
    std::vector<queue_entry_id> add(const queued_message& envelope, std::string_view message,
                                    std::int64_t now);

    // Returns every entry, oldest first.
    std::vector<queue_entry> list();
    // Returns the entries whose next attempt is at or before now, oldest first.
    std::vector<queue_entry> due(std::int64_t now);
    std::optional<queue_entry> find(queue_entry_id id);

    // Decrypts the message of entry id. Throws storage_error(not_found) for an unknown
    // id and crypto_error(authentication_failed) when a stored chunk was altered.
    std::string read_message(queue_entry_id id);

    // Records a failed attempt: the remaining recipients, the next attempt and the error.
    void reschedule(queue_entry_id id, const std::vector<std::string>& recipients,
                    std::int64_t next_attempt, std::string_view error);
    // Makes entry id due now. Returns false when there is no such entry.
    bool retry_now(queue_entry_id id);
    // Deletes entry id and its chunks securely. Returns false when there is no such entry.
    bool remove(queue_entry_id id);

  private:
    outbound_queue(database db, crypto::secret_bytes queue_key);

    database db_;
    crypto::secret_bytes queue_key_;
};

} // namespace skrynka::storage
