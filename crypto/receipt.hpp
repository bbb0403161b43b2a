// Signed receipts for deletions and wipes: what was destroyed, when, and at which audit
// sequence number, signed with the audit key (Ed25519) so that anyone with the audit
// public key can check a receipt without the server's state.
//
// Canonical encoding, format 1, the bytes the signature covers. Integers are big-endian,
// text is a 32-bit byte length followed by the bytes, digests are 32 bytes:
//
//   domain            16 bytes "skrynka receipt\0", so a receipt signature can never
//                              pass as an audit checkpoint signature or the reverse
//   format            1 byte   the value 1
//   kind              1 byte   receipt_kind
//   id                16 bytes random
//   time              8 bytes  signed milliseconds since the Unix epoch
//   audit sequence    8 bytes  the audit record that logged the action
//   account           text     canonical address
//   account id        8 bytes
//   then, for a deletion:
//     mailbox         text     the mailbox name
//     uidvalidity     4 bytes
//     uid             4 bytes
//     sealed key      digest   BLAKE2b-256 of the sealed content key
//     ciphertext      digest   BLAKE2b-256 of the body chunks concatenated in order
//     ciphertext size 8 bytes
//     chunk count     8 bytes
//   or, for a wipe:
//     key slots       8 bytes  how many key slots were destroyed
//     mailbox key     digest   BLAKE2b-256 of the destroyed mailbox database key
//   and for both:
//     fingerprints    digest   BLAKE2b-256 of the encoded fingerprints (fingerprint_set.hpp)
//                              that `verify deletion` and `verify wipe` search for
//
// The JSON form carries every field in text (hex digests and id, decimal integers), the
// signer's public key and its key id, and the signature in base64. All functions are
// thread-safe.
#pragma once

#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "crypto/signing.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::uint8_t receipt_format = 1;
inline constexpr std::size_t receipt_id_size = 16;

using receipt_id = std::array<unsigned char, receipt_id_size>;

enum class receipt_kind : std::uint8_t {
    deletion = 1, // one message expunged from a mailbox
    wipe = 2,     // a whole account destroyed
};

// Returns "deletion" or "wipe".
std::string_view receipt_kind_name(receipt_kind kind) noexcept;

struct receipt {
    receipt_kind kind = receipt_kind::deletion;
    receipt_id id{};
    std::int64_t time = 0; // milliseconds since the Unix epoch
    std::int64_t audit_sequence = 0;
    std::string account;
    std::int64_t account_id = 0;

    // Deletion only.
    std::string mailbox;
    std::uint32_t uidvalidity = 0;
    std::uint32_t uid = 0;
    digest sealed_key_digest{};
    digest ciphertext_digest{};
    std::uint64_t ciphertext_size = 0;
    std::uint64_t chunk_count = 0;

    // Wipe only.
    std::uint64_t key_slot_count = 0;
    digest mailbox_key_digest{};

    digest fingerprints_digest{};

    bool operator==(const receipt&) const = default;
};

struct signed_receipt {
    receipt body;
    signing_public_key public_key{};
    signature signature_bytes{};

    bool operator==(const signed_receipt&) const = default;
};

// Returns a fresh random receipt id.
receipt_id new_receipt_id();

// Returns the canonical encoding described above.
std::vector<unsigned char> encode_receipt(const receipt& body);

// Signs body with the audit key pair. Throws what crypto::sign throws.
signed_receipt sign_receipt(const signing_key_pair& key, receipt body);

// Returns true when the signature over body verifies under the receipt's own public
// key. The caller must still check that this key is the one it trusts.
bool signature_valid(const signed_receipt& receipt);

// Returns the short id of a public key: the first 8 bytes of its BLAKE2b-256 digest,
// as 16 hex characters.
std::string public_key_id(std::span<const unsigned char> public_key);

// Returns the receipt as one JSON object followed by a newline.
std::string receipt_to_json(const signed_receipt& receipt);

// Parses receipt_to_json output. Returns nullopt when the text is not JSON, a field is
// missing or has the wrong type or form, the key id does not match the public key, or
// the "time" text does not match "time_ms". Fields not named here are rejected too, so a
// reader never sees a field the signature does not cover. Never checks the signature.
std::optional<signed_receipt> receipt_from_json(std::string_view text);

// Formats milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_receipt_time(std::int64_t milliseconds);

} // namespace skrynka::crypto
