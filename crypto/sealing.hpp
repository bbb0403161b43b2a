// Message content keys and the small records sealed with them.
//
// A content key (32 random bytes) is made per message and sealed to the user public key
// with libsodium crypto_box_seal, so delivery needs no secret. Only the user secret key
// opens it. The same content key seals small records such as the message summary as
// "blobs": XChaCha20-Poly1305-IETF with a random nonce, whose associated data binds a
// caller-given label so that a blob cannot be passed off as a record of another kind.
//
// Blob format, version 1: version byte (1) | nonce (24 bytes) | ciphertext with its
// 16-byte tag. Associated data: a fixed context string, the version byte, the label
// length as u64 little-endian, the label.
//
// All functions are thread-safe.
#pragma once

#include "crypto/secret.hpp"
#include "crypto/user_keys.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t content_key_size = 32;
inline constexpr std::size_t sealed_content_key_size = 80; // key plus crypto_box_SEALBYTES
inline constexpr std::size_t sealed_blob_overhead = 1 + 24 + 16;

// Returns content_key_size random bytes in guarded memory.
secret_bytes generate_content_key();

// Seals content_key to public_key. Returns sealed_content_key_size bytes. Throws
// crypto_error(invalid_argument) when the key or public key has the wrong size, and
// when libsodium rejects public_key because the shared secret would be all zeros (for
// example the all-zero key and other low-order points).
std::vector<unsigned char> seal_content_key(const secret_bytes& content_key,
                                            std::span<const unsigned char> public_key);

// Opens a sealed content key. Returns nullopt when it does not authenticate, which means
// a different key pair or tampered bytes. Throws crypto_error(invalid_format) when
// sealed is not sealed_content_key_size bytes, and crypto_error(invalid_argument) when a
// key has the wrong size.
std::optional<secret_bytes> open_content_key(std::span<const unsigned char> sealed,
                                             std::span<const unsigned char> public_key,
                                             const secret_bytes& secret_key);
std::optional<secret_bytes> open_content_key(std::span<const unsigned char> sealed,
                                             const user_key_pair& keys);

// Seals plaintext under content_key, bound to label (for example "summary"). The result
// is plaintext.size() + sealed_blob_overhead bytes. Throws crypto_error
// (invalid_argument) when content_key is not content_key_size bytes.
std::vector<unsigned char> seal_blob(const secret_bytes& content_key, std::string_view label,
                                     std::span<const unsigned char> plaintext);

// Opens a blob sealed with the same key and label. Returns nullopt when it does not
// authenticate. Throws crypto_error: invalid_format when sealed is shorter than
// sealed_blob_overhead, unsupported_version for an unknown version byte, and
// invalid_argument for a key of the wrong size. The plaintext is returned in ordinary
// memory because blobs hold message metadata, never keys.
std::optional<std::vector<unsigned char>> open_blob(const secret_bytes& content_key,
                                                    std::string_view label,
                                                    std::span<const unsigned char> sealed);

} // namespace skrynka::crypto
