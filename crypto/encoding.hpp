// Hex and base64 text forms of binary values such as public keys, digests and
// signatures. Encoding never fails. Decoding is strict: it returns nullopt on any
// character, length or padding that the encoder would not produce, except that hex
// decoding accepts upper case too. All functions are thread-safe.
#pragma once

#include "crypto/secret.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::crypto {

// Returns lowercase hex, two characters per byte.
std::string hex_encode(std::span<const unsigned char> bytes);

// Decodes hex of even length with no separators or whitespace.
std::optional<std::vector<unsigned char>> hex_decode(std::string_view hex);

// Decodes hex straight into guarded memory, for keys read from files or credentials.
std::optional<secret_bytes> hex_decode_secret(std::string_view hex);

enum class base64_variant {
    standard,          // RFC 4648 section 4 alphabet with '=' padding
    url_safe_unpadded, // RFC 4648 section 5 alphabet without padding
};

std::string base64_encode(std::span<const unsigned char> bytes,
                          base64_variant variant = base64_variant::standard);

// Decodes base64 of the given variant. Rejects whitespace, wrong padding and
// non-zero trailing bits.
std::optional<std::vector<unsigned char>>
base64_decode(std::string_view text, base64_variant variant = base64_variant::standard);

std::optional<secret_bytes> base64_decode_secret(std::string_view text,
                                                 base64_variant variant = base64_variant::standard);

} // namespace skrynka::crypto
