// A byte stream encrypted with a passphrase: Argon2id turns the passphrase into a key,
// and libsodium's secretstream (XChaCha20-Poly1305) encrypts a sequence of messages so
// that a reader notices a changed, dropped, reordered or truncated message.
//
// Format, all integers little-endian:
//   magic     16 bytes  "skrynka-stream\0\1"
//   ops_limit  8 bytes  Argon2id passes
//   mem_limit  8 bytes  Argon2id memory in bytes
//   salt      16 bytes  Argon2id salt
//   header    24 bytes  secretstream header
//   then frames: a 4-byte ciphertext length and the ciphertext of one message. The
//   last message carries the secretstream FINAL tag, and nothing may follow it.
// The parameters are not authenticated on their own, but a changed one derives another
// key, so the first frame no longer opens.
#pragma once

#include "crypto/key_slot.hpp"
#include "crypto/secret.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t passphrase_stream_header_size = 72;
// Largest plaintext of one message; the reader rejects longer frames before reading them.
inline constexpr std::size_t passphrase_stream_max_message = 1 << 20;

// Not thread-safe. Holds the stream key in guarded memory.
class passphrase_stream_writer {
  public:
    // Derives the key with a fresh salt. Throws crypto_error(invalid_argument) for an
    // empty passphrase or params out of argon2_params_valid, key_derivation_failed when
    // Argon2id cannot allocate its memory.
    passphrase_stream_writer(const secret_bytes& passphrase, const argon2_params& params);
    ~passphrase_stream_writer();

    // Returns the stream header, to be written first.
    const std::array<unsigned char, passphrase_stream_header_size>& header() const noexcept {
        return header_;
    }

    // Returns the frame (length and ciphertext) of one message. final marks the last
    // one. Throws crypto_error(invalid_argument) when plaintext is longer than
    // passphrase_stream_max_message or a message follows the final one.
    std::vector<unsigned char> seal(std::span<const unsigned char> plaintext, bool final);

  private:
    struct state;
    std::unique_ptr<state> state_;
    std::array<unsigned char, passphrase_stream_header_size> header_{};
    bool finished_ = false;
};

class passphrase_stream_reader {
  public:
    // Reads the header and derives the key. Throws crypto_error: invalid_format when the
    // header is short, unsupported_version for another magic, invalid_format for
    // parameters out of range (so a crafted file cannot make Argon2id allocate more than
    // argon2_max_mem_limit_bytes), key_derivation_failed as above.
    passphrase_stream_reader(std::span<const unsigned char> header, const secret_bytes& passphrase);
    ~passphrase_stream_reader();

    // Returns the ciphertext length of a frame from its 4 length bytes. Throws
    // crypto_error(invalid_format) when it exceeds what seal() can produce.
    static std::size_t frame_size(std::span<const unsigned char, 4> length);

    struct message {
        std::vector<unsigned char> plaintext;
        bool final = false;
    };
    // Opens one frame's ciphertext. Throws crypto_error(authentication_failed) for a
    // wrong passphrase or altered, reordered or misplaced data, and invalid_argument
    // after the final message.
    message open(std::span<const unsigned char> ciphertext);

  private:
    struct state;
    std::unique_ptr<state> state_;
    bool finished_ = false;
};

} // namespace skrynka::crypto
