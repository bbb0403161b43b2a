// The user key pair: X25519 keys for libsodium crypto_box. The public key is stored in
// the clear so that delivery can seal content keys without any secret. The secret key
// exists only in guarded memory and, at rest, inside key slots.
#pragma once

#include "crypto/secret.hpp"

#include <array>
#include <cstddef>
#include <span>

namespace skrynka::crypto {

inline constexpr std::size_t user_public_key_size = 32;
inline constexpr std::size_t user_secret_key_size = 32;

using user_public_key = std::array<unsigned char, user_public_key_size>;

struct user_key_pair {
    std::array<unsigned char, user_public_key_size> public_key;
    secret_bytes secret_key; // user_secret_key_size bytes
};

// Generates a fresh key pair from the system CSPRNG. Throws std::bad_alloc when guarded
// memory runs out. Thread-safe.
user_key_pair generate_user_key_pair();

// Computes the public key that belongs to secret_key. Throws crypto_error
// (invalid_argument) unless secret_key is user_secret_key_size bytes.
user_public_key derive_user_public_key(const secret_bytes& secret_key);

// Checks in constant time that secret_key belongs to public_key. Returns false as well
// when either has the wrong size. Thread-safe.
bool user_keys_match(std::span<const unsigned char> public_key, const secret_bytes& secret_key);

} // namespace skrynka::crypto
