// One audit record: who did what to which account or mailbox, from where, with what
// outcome. The record's canonical encoding, which the audit hash chain covers, is
// defined here.
//
// Canonical encoding, format 1. All integers are big-endian. A text field is a 32-bit
// byte length followed by that many bytes. The fields come in this fixed order:
//
//   format    1 byte   the value 1
//   sequence  8 bytes  unsigned, 1 for the first record ever written
//   time      8 bytes  signed milliseconds since 1970-01-01T00:00:00Z
//   actor     1 byte   audit_actor
//   event     text     the event name, for example "login.failure"
//   subject   text     the account address, or "address/mailbox", or empty
//   remote    text     the client's IP address, or empty for local actions
//   outcome   1 byte   audit_outcome
//   detail    text     short key=value fields, never content
//
// Every field has a length or a fixed width, so no two distinct records share an
// encoding. The chain value of record n is BLAKE2b-256(chain value of n-1 || encoding of
// n). The chain value before the first record is 32 zero bytes.
//
// Text fields pass through sanitize_audit_text before they are stored: each byte outside
// printable ASCII (0x20 to 0x7e) and each backslash is written as \xNN, and the result is
// cut to a maximum size. A stored record is therefore one line of ASCII, and a message
// body, header or password passed by mistake can contribute at most that many bytes.
//
// All functions are thread-safe.
#pragma once

#include "crypto/hash.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

inline constexpr std::uint8_t audit_format = 1;

// Maximum stored sizes, in bytes after escaping. An address is at most 254 bytes, so a
// subject leaves room for a mailbox name after it.
inline constexpr std::size_t audit_subject_max_size = 512;
inline constexpr std::size_t audit_remote_max_size = 64;
inline constexpr std::size_t audit_detail_max_size = 256;

enum class audit_actor : std::uint8_t {
    system = 1, // the server itself: start, stop, deliveries, retention
    user = 2,   // a mail client acting for an account
    admin = 3,  // the operator, through the CLI or the admin endpoint
};

enum class audit_outcome : std::uint8_t {
    success = 1,
    failure = 2,
};

// Every event the server records. The stored form is the name, so the numbering of this
// enum is free to change.
enum class audit_event {
    server_start,
    server_stop,
    config_load,
    login_success, // detail: proto=smtp|imap|pop3|admin
    login_failure, // detail: proto=... reason=bad_credentials|rate_limited|cleartext_refused|...
    key_slot_add,
    key_slot_change,
    key_slot_revoke,
    account_create,
    account_delete,
    alias_add,
    alias_remove,
    message_deliver, // detail: size=BYTES; subject is the recipient account
    message_expunge,
    account_export,
    account_import,
    account_wipe,
    admin_call, // detail: method=... path=...
    audit_verify,
    audit_prune,
    backup_create, // detail: databases=N output=FOLDER
};

// Returns the stored name of an event, for example "login.failure".
std::string_view audit_event_name(audit_event event) noexcept;
// Returns the event with that stored name, or nullopt.
std::optional<audit_event> parse_audit_event(std::string_view name) noexcept;
// Returns every event in enum order.
std::span<const audit_event> all_audit_events() noexcept;

std::string_view audit_actor_name(audit_actor actor) noexcept; // "user"
std::optional<audit_actor> parse_audit_actor(std::string_view name) noexcept;
std::string_view audit_outcome_name(audit_outcome outcome) noexcept; // "success"
std::optional<audit_outcome> parse_audit_outcome(std::string_view name) noexcept;

// What a caller asks the log to record. append() adds the sequence number, time and
// chain value.
struct audit_entry {
    audit_actor actor = audit_actor::system;
    audit_event event = audit_event::server_start;
    std::string subject;
    std::string remote;
    audit_outcome outcome = audit_outcome::success;
    std::string detail;
};

// A record as stored. actor and outcome are raw bytes and event is raw text, so that a
// record edited to an unknown value can still be read, shown and reported by verify.
struct audit_record {
    std::int64_t sequence = 0;
    std::int64_t time = 0; // milliseconds since the Unix epoch, UTC
    std::uint8_t format = audit_format;
    std::uint8_t actor = 0;
    std::string event;
    std::string subject;
    std::string remote;
    std::uint8_t outcome = 0;
    std::string detail;
    crypto::digest hash{}; // the chain value up to and including this record
};

// Escapes text as described above and cuts it to at most max_size bytes. A cut result
// ends in "..." and never splits an escape sequence.
std::string sanitize_audit_text(std::string_view text, std::size_t max_size);

// Returns the canonical encoding of record (format 1; record.format and record.hash are
// not read). Never fails.
std::vector<unsigned char> encode_audit_record(const audit_record& record);

// Returns BLAKE2b-256(previous || encode_audit_record(record)).
crypto::digest chain_audit_record(const crypto::digest& previous, const audit_record& record);

} // namespace skrynka::storage
