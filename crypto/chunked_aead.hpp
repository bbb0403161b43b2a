// Chunked encryption of a message body under its content key, so that a partial fetch
// or a large message decrypts only the chunks it needs.
//
// The plaintext is cut into chunks of chunk_size bytes. The last chunk contains the
// rest and may be shorter. An empty message still makes one chunk with an empty plaintext,
// so that "this message is empty" is authenticated too and deleting every chunk of a
// message is detected. chunk_count(total_size) gives the number of chunks.
//
// Each chunk is XChaCha20-Poly1305-IETF under the content key:
//   chunk = nonce (24 random bytes) | ciphertext | tag (16 bytes)
// and is chunk_plaintext_size(total_size, index) + chunk_overhead bytes long.
// The nonce is random per chunk rather than derived from the position. With 192-bit
// nonces a repeat is negligible even if a caller were to encrypt twice under one content
// key, whereas a derived nonce would repeat exactly then. The position is bound by the
// associated data instead:
//   fixed context string | message id (16 bytes) | chunk index (u64 LE)
//   | chunk count (u64 LE) | total plaintext size (u64 LE)
// So a chunk moved to another message, another index, or a message of another length
// fails to authenticate. That detects swapped, reordered, duplicated, dropped and
// truncated chunks, provided the caller supplies the message id and total size it
// stored when the message was delivered.
//
// The message id is 16 random bytes per message, stored by the caller beside the
// chunks. All free functions are thread-safe; a chunk_encryptor is used by one thread
// at a time.
#pragma once

#include "crypto/secret.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t chunk_size = 64 * 1024; // plaintext bytes per chunk
inline constexpr std::size_t message_id_size = 16;
inline constexpr std::size_t chunk_overhead = 24 + 16; // nonce and tag

using message_id = std::array<unsigned char, message_id_size>;

// Returns a fresh random message id.
message_id generate_message_id();

// Returns the number of chunks of a message of total_size bytes: at least 1.
std::uint64_t chunk_count(std::uint64_t total_size) noexcept;

// Returns the plaintext size of chunk index. Throws crypto_error(invalid_argument) when
// index is not below chunk_count(total_size).
std::uint64_t chunk_plaintext_size(std::uint64_t total_size, std::uint64_t index);

// Encrypts a message whose total size is known up front, fed in pieces of any size.
// Holds a copy of the content key and the unfinished chunk in guarded memory, both
// wiped on destruction. Move-only.
class chunk_encryptor {
public:
    // Throws crypto_error(invalid_argument) unless content_key is 32 bytes.
    chunk_encryptor(const secret_bytes& content_key, const message_id& id,
                    std::uint64_t total_size);

    // Adds plaintext and returns the chunks it completed, in index order (possibly none).
    // Throws crypto_error(invalid_argument) when more than total_size bytes are fed in
    // all, or after finish().
    std::vector<std::vector<unsigned char>> update(std::span<const unsigned char> plaintext);

    // Returns the chunks still pending, which is the single empty chunk of an empty
    // message and nothing otherwise. Throws crypto_error(invalid_argument) unless exactly
    // total_size bytes were fed, or when called twice.
    std::vector<std::vector<unsigned char>> finish();

    // Index of the next chunk update() or finish() will return.
    std::uint64_t next_index() const noexcept { return next_index_; }

private:
    std::vector<unsigned char> seal_pending();

    secret_bytes content_key_;
    message_id id_;
    std::uint64_t total_size_;
    std::uint64_t fed_ = 0;
    std::uint64_t next_index_ = 0;
    secret_bytes pending_; // chunk_size bytes, of which pending_size_ are filled
    std::size_t pending_size_ = 0;
    bool finished_ = false;
};

// Encrypts a whole message in memory. Returns chunk_count(plaintext.size()) chunks in
// index order. Throws crypto_error(invalid_argument) unless content_key is 32 bytes.
std::vector<std::vector<unsigned char>> encrypt_message(const secret_bytes& content_key,
                                                        const message_id& id,
                                                        std::span<const unsigned char> plaintext);

// Decrypts chunk index of the message (id, total_size). Returns nullopt when the chunk
// does not authenticate: wrong key, tampered, from another message or position, or of
// the wrong length. Throws crypto_error(invalid_argument) when content_key is not 32
// bytes or index is not below chunk_count(total_size).
std::optional<std::vector<unsigned char>> decrypt_chunk(const secret_bytes& content_key,
                                                        const message_id& id,
                                                        std::uint64_t total_size,
                                                        std::uint64_t index,
                                                        std::span<const unsigned char> chunk);

// Returns the stored bytes of chunk index, or an empty vector when the chunk is missing
// (which then fails authentication). Exceptions it throws pass through to the caller.
using chunk_reader = std::function<std::vector<unsigned char>(std::uint64_t index)>;

// Decrypts bytes [offset, offset + length) of the message, clamped to its size as an
// IMAP partial fetch is: an offset at or past the end, or a zero length, gives an empty
// result without reading any chunk. Reads and decrypts only the chunks that overlap the
// range, in index order. Throws crypto_error: authentication_failed when a chunk does
// not authenticate, invalid_argument when content_key is not 32 bytes.
std::vector<unsigned char> decrypt_range(const secret_bytes& content_key, const message_id& id,
                                         std::uint64_t total_size, std::uint64_t offset,
                                         std::uint64_t length, const chunk_reader& read_chunk);

// Decrypts the whole message: decrypt_range over [0, total_size), except that an empty
// message still reads and authenticates its one chunk. Throws as decrypt_range does.
std::vector<unsigned char> decrypt_message(const secret_bytes& content_key, const message_id& id,
                                           std::uint64_t total_size,
                                           const chunk_reader& read_chunk);

} // namespace skrynka::crypto
