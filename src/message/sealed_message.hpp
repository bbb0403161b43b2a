// Sealing a raw RFC 5322 message for one recipient, and opening it again with that
// recipient's unlocked key. Sealing needs only the public key, so mail is delivered
// while its owner is logged out; opening needs the secret key from a key slot.
#pragma once

#include "crypto/chunked_aead.hpp"
#include "crypto/secret.hpp"
#include "crypto/user_keys.hpp"
#include "src/mime/summary.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/mailbox_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::message {

// Message metadata that the store keeps unsealed beside the sealed content.
struct message_attributes {
    std::uint32_t flags = 0;           // storage::flag bits
    std::vector<std::string> keywords; // IMAP keywords
    std::int64_t internal_date = 0;    // seconds since the Unix epoch
};

// Summarizes raw_message, encrypts it in chunks under a fresh content key, seals the
// summary with the same key and the key to recipient. Every byte sequence is accepted
// as a message: the MIME parser never rejects input. Throws std::bad_alloc when memory
// runs out; the plaintext is not kept.
storage::new_message seal_message(std::string_view raw_message,
                                  const crypto::user_public_key& recipient,
                                  const message_attributes& attributes);

// A stored message whose content key has been opened. Holds the content key in guarded
// memory until destruction. Not thread-safe; use one per session.
class opened_message {
public:
    opened_message(storage::message_uid uid, std::uint64_t size, crypto::message_id id,
                   crypto::secret_bytes content_key, mime::message_summary summary);

    storage::message_uid uid() const noexcept { return uid_; }
    std::uint64_t size() const noexcept { return size_; }
    const mime::message_summary& summary() const noexcept { return summary_; }

    // Returns bytes [offset, offset + length) of the raw message, clamped to its size as
    // IMAP partial fetches are, reading and decrypting only the chunks that cover them.
    // Throws crypto::crypto_error (authentication_failed) when a stored chunk was
    // altered, swapped or removed, and storage::storage_error when reading fails.
    std::vector<unsigned char> read(storage::mailbox_store& store, storage::mailbox_id mailbox,
                                    std::uint64_t offset, std::uint64_t length) const;

    // Returns the whole raw message, with the errors of read().
    std::vector<unsigned char> read_all(storage::mailbox_store& store,
                                        storage::mailbox_id mailbox) const;

private:
    storage::message_uid uid_;
    std::uint64_t size_;
    crypto::message_id id_;
    crypto::secret_bytes content_key_;
    mime::message_summary summary_;
};

// Opens the content key and the summary of row with the owner's key pair. Returns
// nullopt when either fails to authenticate: the row belongs to another account, or
// its sealed key or summary was altered.
std::optional<opened_message> open_message(const storage::message_row& row,
                                           const crypto::user_key_pair& owner);

} // namespace skrynka::message
