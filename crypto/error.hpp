// Errors of the crypto module as std::error_code values in the "crypto" category, and
// the exception that carries them. Callers compare codes with errc values, never the
// message text.
#pragma once

#include <string>
#include <system_error>

namespace skrynka::crypto {

enum class errc {
    // A MAC did not verify: wrong key, wrong context, or tampered data.
    authentication_failed = 1,
    // Encoded data has the wrong length or a field out of range.
    invalid_format,
    // Encoded data carries a format version this build does not read.
    unsupported_version,
    // The caller passed a value the function does not accept, such as a key of the
    // wrong size, an empty context or Argon2id parameters out of range.
    invalid_argument,
    // Argon2id could not run, usually because mem_limit_bytes could not be allocated.
    key_derivation_failed,
};

// Returns the category named "crypto". Thread-safe.
const std::error_category& crypto_category() noexcept;

std::error_code make_error_code(errc code) noexcept;

// Exception thrown by crypto functions. what() names the operation and the problem,
// never a key, a password or any plaintext.
class crypto_error : public std::system_error {
public:
    crypto_error(errc code, const std::string& what);
};

} // namespace skrynka::crypto

template <>
struct std::is_error_code_enum<skrynka::crypto::errc> : std::true_type {};
