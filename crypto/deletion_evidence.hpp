// Evidence about one message that a deletion receipt records before the rows are
// deleted: the digests the receipt states and the fingerprints that `verify deletion`
// searches for. The builder takes one chunk at a time, so a large message need not sit
// in memory whole.
#pragma once

#include "crypto/fingerprint_set.hpp"
#include "crypto/hash.hpp"

#include <sodium.h>

#include <cstdint>
#include <span>

namespace skrynka::crypto {

// Distance between fingerprinted pieces of the sealed content key (80 bytes), so any
// 47 surviving bytes of it are found.
inline constexpr std::size_t sealed_key_fingerprint_stride = 16;
// Distance between fingerprinted pieces of a body chunk. Any 287 surviving bytes of a
// chunk are found, well under one 4016-byte page payload, and the fingerprints take
// 16 bytes per 256 bytes of ciphertext (about 6%).
inline constexpr std::size_t chunk_fingerprint_stride = 256;

struct deletion_evidence {
    digest sealed_key_digest{};
    // BLAKE2b-256 of the chunks concatenated in order.
    digest ciphertext_digest{};
    std::uint64_t ciphertext_size = 0;
    std::uint64_t chunk_count = 0;
    // The sealed key first, then the chunks in order. A value shorter than
    // fingerprint_min_needle_size is left out, because it could match unrelated data; chunk_count still counts such a chunk. A real sealed key is 80 bytes and a
    // real chunk at least 16 (its tag), so only test data is ever left out.
    fingerprints probes;
};

// Not thread-safe. Move-only because the hash state must not be shared.
class deletion_evidence_builder {
public:
    // Starts with the sealed content key.
    explicit deletion_evidence_builder(std::span<const unsigned char> sealed_key);

    deletion_evidence_builder(deletion_evidence_builder&&) noexcept = default;
    deletion_evidence_builder& operator=(deletion_evidence_builder&&) noexcept = default;

    // Adds the next body chunk, in index order.
    void add_chunk(std::span<const unsigned char> chunk);

    // Returns the evidence. Call once.
    deletion_evidence finish();

private:
    deletion_evidence evidence_;
    crypto_generichash_state state_{};
};

} // namespace skrynka::crypto
