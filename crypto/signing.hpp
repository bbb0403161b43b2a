// Ed25519 signatures (libsodium crypto_sign, detached form) for audit checkpoints and
// deletion and wipe receipts. The secret key lives in guarded memory; at rest it is
// stored as its 32-byte seed, wrapped by the storage key. All functions are thread-safe.
#pragma once

#include "crypto/secret.hpp"

#include <array>
#include <cstddef>
#include <span>

namespace skrynka::crypto {

inline constexpr std::size_t signing_public_key_size = 32;
inline constexpr std::size_t signing_secret_key_size = 64; // libsodium form: seed, then public key
inline constexpr std::size_t signing_seed_size = 32;
inline constexpr std::size_t signature_size = 64;

using signing_public_key = std::array<unsigned char, signing_public_key_size>;
using signature = std::array<unsigned char, signature_size>;

struct signing_key_pair {
    signing_public_key public_key;
    secret_bytes secret_key; // signing_secret_key_size bytes
};

// Generates a fresh key pair from the system CSPRNG.
signing_key_pair generate_signing_key_pair();

// Rebuilds the key pair whose seed is seed. Throws crypto_error(invalid_argument) unless
// seed is signing_seed_size bytes.
signing_key_pair signing_key_pair_from_seed(const secret_bytes& seed);

// Extracts the 32-byte seed of a secret key, the form to store. Throws crypto_error
// (invalid_argument) unless secret_key is signing_secret_key_size bytes.
secret_bytes signing_seed(const secret_bytes& secret_key);

// Signs message. Throws crypto_error(invalid_argument) unless secret_key is
// signing_secret_key_size bytes long.
signature sign(const secret_bytes& secret_key, std::span<const unsigned char> message);

// Returns true when signature_bytes is a valid signature of message under public_key. Returns
// false as well when the key or the signature has the wrong size.
bool verify(std::span<const unsigned char> public_key, std::span<const unsigned char> message,
            std::span<const unsigned char> signature_bytes);

} // namespace skrynka::crypto
