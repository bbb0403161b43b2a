#include "crypto/deletion_evidence.hpp"

namespace skrynka::crypto {

deletion_evidence_builder::deletion_evidence_builder(std::span<const unsigned char> sealed_key) {
    evidence_.probes = new_fingerprints();
    if (sealed_key.size() >= fingerprint_min_needle_size) {
        add_needle(evidence_.probes, sealed_key, sealed_key_fingerprint_stride);
    }
    evidence_.sealed_key_digest = hash(sealed_key);
    crypto_generichash_init(&state_, nullptr, 0, hash_size);
}

void deletion_evidence_builder::add_chunk(std::span<const unsigned char> chunk) {
    crypto_generichash_update(&state_, chunk.data(), chunk.size());
    evidence_.ciphertext_size += chunk.size();
    evidence_.chunk_count += 1;
    if (chunk.size() >= fingerprint_min_needle_size) {
        add_needle(evidence_.probes, chunk, chunk_fingerprint_stride);
    }
}

deletion_evidence deletion_evidence_builder::finish() {
    crypto_generichash_final(&state_, evidence_.ciphertext_digest.data(), hash_size);
    return std::move(evidence_);
}

} // namespace skrynka::crypto
