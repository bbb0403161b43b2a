// Values the mailbox store takes and returns. Sealed keys, summaries and body chunks are
// opaque ciphertext that crypto produced; storage never looks inside them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::storage {

using mailbox_id = std::int64_t;
// An IMAP UID: strictly increasing within a mailbox and never reused. The store assigns
// 1 to 2^32 - 2, because UIDNEXT must fit in 32 bits too.
using message_uid = std::uint32_t;

// System flags as a bitmask (RFC 9051 section 2.3.2). \Recent is not stored.
namespace flag {
inline constexpr std::uint32_t seen = 1u << 0;
inline constexpr std::uint32_t answered = 1u << 1;
inline constexpr std::uint32_t flagged = 1u << 2;
inline constexpr std::uint32_t deleted = 1u << 3;
inline constexpr std::uint32_t draft = 1u << 4;
inline constexpr std::uint32_t all = seen | answered | flagged | deleted | draft;
} // namespace flag

inline constexpr std::size_t message_id_size = 16;
using bytes = std::vector<unsigned char>;

struct mailbox_info {
    mailbox_id id = 0;
    std::string name; // UTF-8, levels separated by '/'
    std::uint32_t uidvalidity = 0;
    message_uid uidnext = 1;
    std::int64_t highestmodseq = 1;
    std::optional<std::string> special_use; // for example "\\Sent" (RFC 6154)
    bool subscribed = false;
    std::int64_t created = 0; // seconds since the Unix epoch
};

struct mailbox_status {
    std::int64_t messages = 0;
    std::int64_t unseen = 0; // messages without \Seen
    message_uid uidnext = 1;
    std::uint32_t uidvalidity = 0;
    std::int64_t highestmodseq = 1;
};

struct new_message {
    std::uint32_t flags = 0;           // a combination of flag:: bits
    std::vector<std::string> keywords; // duplicates are stored once
    std::int64_t internal_date = 0;    // seconds since the Unix epoch
    std::int64_t size = 0;             // RFC822.SIZE of the plaintext message
    std::array<unsigned char, message_id_size> message_id{};
    bytes sealed_key;     // the content key sealed to the account's public key
    bytes sealed_summary; // the summary encrypted with the content key
    std::vector<bytes> chunks;
};

// One message to append in a group commit.
struct append_request {
    mailbox_id mailbox = 0;
    new_message message;
};

// One message to append unless its import digest (32 bytes) is already recorded.
struct import_request {
    mailbox_id mailbox = 0;
    new_message message;
    std::vector<unsigned char> digest;
};

struct message_row {
    message_uid uid = 0;
    std::int64_t modseq = 0;
    std::uint32_t flags = 0;
    std::vector<std::string> keywords; // sorted
    std::int64_t internal_date = 0;
    std::int64_t size = 0;
    std::array<unsigned char, message_id_size> message_id{};
    bytes sealed_key;
    bytes sealed_summary;
    std::int64_t chunk_count = 0;
};

enum class flag_change { add, remove, replace };

// The flags of one message after store_flags.
struct flag_update {
    message_uid uid = 0;
    std::int64_t modseq = 0;
    std::uint32_t flags = 0;
    std::vector<std::string> keywords; // sorted
    bool changed = false;              // false when the request left the message as it was
};

struct copied_uid {
    message_uid source = 0;
    message_uid destination = 0;
};

// The parts of an expunged message that a deletion receipt digests.
struct expunged_message {
    message_uid uid = 0;
    bytes sealed_key;
    std::int64_t chunk_bytes = 0; // total size of its ciphertext chunks
};

} // namespace skrynka::storage
