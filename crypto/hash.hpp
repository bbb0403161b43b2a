// BLAKE2b digests (libsodium crypto_generichash), plain and keyed. The default output
// is 32 bytes. All functions are thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace skrynka::crypto {

inline constexpr std::size_t hash_size = 32;
inline constexpr std::size_t hash_min_size = 16;
inline constexpr std::size_t hash_max_size = 64;
inline constexpr std::size_t hash_key_min_size = 16;
inline constexpr std::size_t hash_key_max_size = 64;

using digest = std::array<unsigned char, hash_size>;

// Returns the 32-byte BLAKE2b digest of data.
digest hash(std::span<const unsigned char> data);
digest hash(std::string_view data);

// Returns the 32-byte keyed BLAKE2b digest (a MAC) of data. The key is typically a
// secret_bytes viewed through bytes(). Throws crypto_error(invalid_argument) when the
// key is shorter than hash_key_min_size or longer than hash_key_max_size.
digest keyed_hash(std::span<const unsigned char> key, std::span<const unsigned char> data);

// Writes a BLAKE2b digest of output.size() bytes, keyed when key is not empty.
// Throws crypto_error(invalid_argument) when the output or key size is out of range.
void hash_into(std::span<unsigned char> output, std::span<const unsigned char> data,
               std::span<const unsigned char> key = {});

// Returns the 32-byte BLAKE2b digest of data as 64 lowercase hex characters.
std::string hash_hex(std::span<const unsigned char> data);

} // namespace skrynka::crypto
