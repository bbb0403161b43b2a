// Positions in the audit hash chain and the signed checkpoints that pin them.
//
// A checkpoint is an Ed25519 signature, made with the audit signing key, over this
// message (integers big-endian):
//
//   "skrynka audit checkpoint 1"  26 ASCII bytes, no terminator
//   kind                          1 byte   audit_checkpoint_kind
//   sequence                      8 bytes  the last record the checkpoint covers
//   time                          8 bytes  signed milliseconds since the Unix epoch
//   hash                          32 bytes the chain value after record `sequence`
//
// A pruning checkpoint marks a retention cut: the records up to and including its
// sequence were deleted, and its hash is the chain value from which the remaining
// records verify.
//
// All functions are thread-safe.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/signing.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

enum class audit_checkpoint_kind : std::uint8_t {
    periodic = 1,   // after N records or an interval with new records
    shutdown = 2,   // at a clean server stop
    on_request = 3, // asked for explicitly, for example before a backup
    pruning = 4,    // a retention cut
};

// Returns "periodic", "shutdown", "on_request", "pruning" or "unknown".
std::string_view audit_checkpoint_kind_name(std::uint8_t kind) noexcept;

// A place in the chain: the sequence number of the last record and the chain value
// after it. Sequence 0 with a zero hash is the empty log.
struct audit_position {
    std::int64_t sequence = 0;
    crypto::digest hash{};

    bool operator==(const audit_position&) const = default;
};

// Returns "SEQUENCE:HEX", the form `audit head` prints and `--expect-head` reads.
std::string format_audit_position(const audit_position& position);
// Parses "SEQUENCE:HEX" (decimal sequence of at least 1, 64 hex digits). Returns nullopt
// for anything else.
std::optional<audit_position> parse_audit_position(std::string_view text);

// A checkpoint as stored. kind is the raw byte so that an edited value still reads.
struct audit_checkpoint {
    std::int64_t sequence = 0;
    std::int64_t time = 0;
    std::uint8_t kind = 0;
    crypto::digest hash{};
    crypto::signature signature{};
};

// Returns the message a checkpoint signs, as described above.
std::vector<unsigned char> audit_checkpoint_message(const audit_checkpoint& checkpoint);

} // namespace skrynka::storage
