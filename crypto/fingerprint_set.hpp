// Keyed fingerprints of byte strings that must be gone, so that their absence can be
// checked later without keeping the strings themselves.
//
// A deletion receipt cannot keep the sealed content key and ciphertext it speaks about,
// because then they would not be gone. For each needle it keeps the SipHash-2-4
// (libsodium crypto_shorthash) of some of its pieces under a random 16-byte key. The
// pieces are piece_size bytes long and start at offsets 0, stride, 2 * stride and so
// on, and one more piece ends at the needle's end. A needle shorter than piece_size is one piece.
// A fingerprint_set hashes every window of a buffer and reports the windows whose hash
// equals a stored piece's. Any contiguous run of at least stride + piece_size - 1 bytes
// of a needle contains a fingerprinted piece, so such a surviving run is found.
//
// NOTE: a surviving run shorter than stride + piece_size - 1 bytes may go unnoticed.
// find_all computes one SipHash per byte of input, which is the bulk of the time of
// `verify deletion`; a rolling-hash prefilter would make large mailboxes faster.
// SipHash output is 64 bits, so an unrelated window matches a given piece with
// probability 2^-64; a reported match is almost surely the needle's bytes.
//
// Encoding (for storage next to a receipt), all integers big-endian:
//   key 16 bytes, piece_size 4 bytes, needle count 4 bytes, then per needle:
//   length 8 bytes, piece count 4 bytes, then per piece: offset 8 bytes, fingerprint
//   8 bytes.
#pragma once

#include "crypto/byte_search.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t fingerprint_key_size = 16;
inline constexpr std::size_t fingerprint_piece_size = 32;
// The shortest needle that can be fingerprinted: a shorter one would match unrelated
// data too often to be evidence.
inline constexpr std::size_t fingerprint_min_needle_size = 16;

using fingerprint_key = std::array<unsigned char, fingerprint_key_size>;

struct piece_fingerprint {
    std::uint64_t offset = 0; // where the piece starts in the needle
    std::uint64_t value = 0;  // SipHash-2-4 of the piece under the set's key

    bool operator==(const piece_fingerprint&) const = default;
};

struct needle_fingerprints {
    std::uint64_t length = 0;
    std::vector<piece_fingerprint> pieces;

    bool operator==(const needle_fingerprints&) const = default;
};

// The fingerprints of several needles under one key.
struct fingerprints {
    fingerprint_key key{};
    std::uint32_t piece_size = fingerprint_piece_size;
    std::vector<needle_fingerprints> needles;

    bool operator==(const fingerprints&) const = default;
};

// Returns an empty set with a fresh random key.
fingerprints new_fingerprints();

// Adds needle's fingerprints to set, with a piece every stride bytes. Returns the
// needle's index. Throws crypto_error(invalid_argument) when the needle is shorter than
// fingerprint_min_needle_size or stride is 0.
std::size_t add_needle(fingerprints& set, std::span<const unsigned char> needle,
                       std::size_t stride);

std::vector<unsigned char> encode_fingerprints(const fingerprints& set);

// Decodes encode_fingerprints output. Returns nullopt when the bytes are truncated, have
// trailing data, a piece size below fingerprint_min_needle_size, or a piece that does
// not lie inside its needle.
std::optional<fingerprints> decode_fingerprints(std::span<const unsigned char> encoded);

// A byte_matcher over fingerprints. A match reports the needle, the piece's offset in
// the needle and the piece's length. Thread-safe for concurrent find_all calls.
class fingerprint_set : public byte_matcher {
public:
    explicit fingerprint_set(const fingerprints& set);

    std::size_t size() const noexcept override { return needle_count_; }
    std::size_t max_match_length() const noexcept override { return max_match_length_; }
    void find_all(std::span<const unsigned char> haystack,
                  const std::function<void(const needle_match&)>& on_match) const override;

private:
    struct piece {
        std::size_t needle;
        std::size_t needle_offset;
    };

    fingerprint_key key_{};
    std::size_t needle_count_ = 0;
    std::size_t max_match_length_ = 0;
    // Fingerprint to pieces, one map per window length: piece_size, and the length of
    // each needle shorter than it.
    std::unordered_map<std::size_t, std::unordered_multimap<std::uint64_t, piece>> by_length_;
};

} // namespace skrynka::crypto
