// Key slots: the user secret key wrapped under a key derived from one password, app
// password or recovery code. A login succeeds exactly when some slot of the account
// opens with the presented secret; there is no separate password hash.
//
// Wrapping: KEK = Argon2id(password, salt, ops_limit, mem_limit_bytes), 32 bytes. The
// KEK encrypts the 32-byte X25519 user secret key with XChaCha20-Poly1305-IETF under a
// random 24-byte nonce. The associated data is a fixed context string, the version,
// kind and parameters as encoded below, the salt, the caller's context length as u64
// little-endian, and the context itself (the account id as text). So a slot moved to
// another account, or with its kind or parameters edited, fails to open.
//
// Encoding, version 1, exactly encoded_key_slot_size (106) bytes:
//   offset  size  field
//        0     1  version, 1
//        1     1  kind, a slot_kind value
//        2     8  ops_limit, u64 little-endian
//       10     8  mem_limit_bytes, u64 little-endian
//       18    16  salt
//       34    24  nonce
//       58    48  ciphertext: the 32-byte secret key and the 16-byte tag
//
// The Argon2id parameters travel in each slot, so raising the defaults later leaves
// existing slots openable. A caller rewraps a slot (seal a new one, delete the old) when
// slot.params is below its current parameters.
//
// All functions are thread-safe. Each seal, open and spend_failed_login_cost runs one
// Argon2id and allocates mem_limit_bytes for it, so callers run them off network threads.
#pragma once

#include "crypto/secret.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace skrynka::crypto {

enum class slot_kind : std::uint8_t { login = 1, app_password = 2, recovery = 3 };

struct argon2_params {
    std::uint64_t ops_limit = 0;       // Argon2id passes over memory
    std::uint64_t mem_limit_bytes = 0; // memory per derivation, in bytes
    friend bool operator==(const argon2_params&, const argon2_params&) = default;
};

// Ranges that seal, open and decode accept. The minima are libsodium's Argon2id minima.
// The maxima bound what a slot read from disk can make the server allocate and spend.
// NOTE: the maxima are a judgment for small servers, not a measurement. Raising them
// later is compatible, but builds with the old maxima reject slots sealed above them.
inline constexpr std::uint64_t argon2_min_ops_limit = 1;
inline constexpr std::uint64_t argon2_max_ops_limit = 16;
inline constexpr std::uint64_t argon2_min_mem_limit_bytes = 8192;
inline constexpr std::uint64_t argon2_max_mem_limit_bytes = std::uint64_t{1} << 30; // 1 GiB

// Returns ops_limit 3 and mem_limit_bytes 64 MiB: libsodium 1.0.18's Argon2id MODERATE
// pass count with its INTERACTIVE memory size, so that a few concurrent logins fit on a
// small server. Callers pass the configured value; this is the configuration default.
argon2_params default_argon2_params() noexcept;

// Returns the minimum parameters, for unit tests only: they make Argon2id take
// microseconds and protect nothing.
argon2_params test_argon2_params() noexcept;

// Returns true when both parameters are within the ranges above.
bool argon2_params_valid(const argon2_params& params) noexcept;

inline constexpr std::uint8_t key_slot_version = 1;
inline constexpr std::size_t key_slot_salt_size = 16;
inline constexpr std::size_t key_slot_nonce_size = 24;
inline constexpr std::size_t key_slot_ciphertext_size = 48;
inline constexpr std::size_t encoded_key_slot_size = 106;

struct key_slot {
    std::uint8_t version = key_slot_version;
    slot_kind kind = slot_kind::login;
    argon2_params params;
    std::array<unsigned char, key_slot_salt_size> salt{};
    std::array<unsigned char, key_slot_nonce_size> nonce{};
    std::array<unsigned char, key_slot_ciphertext_size> ciphertext{};
};

// Wraps user_secret_key under password for the account named by context, with a fresh
// random salt and nonce. Throws crypto_error(invalid_argument) when kind is not a
// slot_kind value, password or context is empty, user_secret_key is not 32 bytes, or
// params are out of range. Throws crypto_error(key_derivation_failed) when Argon2id
// cannot allocate its memory.
key_slot seal_key_slot(slot_kind kind, const secret_bytes& password,
                       const secret_bytes& user_secret_key, std::string_view context,
                       const argon2_params& params);

// Unwraps the user secret key. Returns nullopt when the slot does not open: a wrong
// password, another context, or tampered bytes. Throws crypto_error:
// unsupported_version for an unknown version, invalid_format when kind or params are out
// of range, invalid_argument when context is empty, key_derivation_failed when Argon2id
// cannot allocate its memory.
std::optional<secret_bytes> open_key_slot(const key_slot& slot, const secret_bytes& password,
                                          std::string_view context);

// Encodes slot in the format above. Throws crypto_error(invalid_format) when the slot's
// version, kind or params are out of range, so that nothing undecodable is stored.
std::vector<unsigned char> encode_key_slot(const key_slot& slot);

// Decodes strictly. Throws crypto_error(invalid_format) when encoded is not exactly
// encoded_key_slot_size bytes, or when kind or params are out of range. The length is
// checked first, so an empty or truncated input always reads as invalid_format. Throws
// crypto_error(unsupported_version) when the version byte is not key_slot_version.
key_slot decode_key_slot(std::span<const unsigned char> encoded);

// Runs one Argon2id with params and a fixed dummy salt, and discards the result, so a
// login for an unknown user costs what a wrong password for a known user costs. Throws
// as seal_key_slot does for params and Argon2id failures.
// NOTE: a known user's failed login costs one Argon2id per slot tried. A caller that
// tries several slots per login calls this as many times, so both paths cost the same.
void spend_failed_login_cost(const secret_bytes& password, const argon2_params& params);

} // namespace skrynka::crypto
