#include "crypto/encoding.hpp"

#include <sodium.h>

namespace skrynka::crypto {
namespace {

int sodium_variant(base64_variant variant) {
    return variant == base64_variant::standard ? sodium_base64_VARIANT_ORIGINAL
                                               : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}

// Decodes into out, which must have room for the longest possible result. Returns the
// decoded length. Passing no end pointer makes libsodium fail unless it consumes the
// whole input, so trailing garbage is rejected.
std::optional<std::size_t> decode_hex_into(std::string_view hex, std::span<unsigned char> out) {
    std::size_t decoded = 0;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &decoded,
                       nullptr) != 0) {
        return std::nullopt;
    }
    return decoded;
}

std::optional<std::size_t> decode_base64_into(std::string_view text, base64_variant variant,
                                              std::span<unsigned char> out) {
    std::size_t decoded = 0;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &decoded,
                          nullptr, sodium_variant(variant)) != 0) {
        return std::nullopt;
    }
    return decoded;
}

std::size_t base64_max_decoded_size(std::size_t text_size) { return text_size / 4 * 3 + 3; }

} // namespace

std::string hex_encode(std::span<const unsigned char> bytes) {
    initialize();
    std::string hex(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
    hex.pop_back(); // the terminating NUL written by libsodium
    return hex;
}

std::optional<std::vector<unsigned char>> hex_decode(std::string_view hex) {
    initialize();
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    if (hex.empty()) {
        return std::vector<unsigned char>{};
    }

    std::vector<unsigned char> out(hex.size() / 2);
    auto decoded = decode_hex_into(hex, out);
    if (!decoded || *decoded != out.size()) {
        return std::nullopt;
    }
    return out;
}

std::optional<secret_bytes> hex_decode_secret(std::string_view hex) {
    initialize();
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    if (hex.empty()) {
        return secret_bytes{};
    }

    secret_bytes out(hex.size() / 2);
    auto decoded = decode_hex_into(hex, out.bytes());
    if (!decoded || *decoded != out.size()) {
        return std::nullopt;
    }
    return out;
}

std::string base64_encode(std::span<const unsigned char> bytes, base64_variant variant) {
    initialize();
    int sodium = sodium_variant(variant);
    std::string text(sodium_base64_encoded_len(bytes.size(), sodium), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium);
    text.pop_back(); // the terminating NUL written by libsodium
    return text;
}

std::optional<std::vector<unsigned char>> base64_decode(std::string_view text,
                                                        base64_variant variant) {
    initialize();
    if (text.empty()) {
        return std::vector<unsigned char>{};
    }

    std::vector<unsigned char> out(base64_max_decoded_size(text.size()));
    auto decoded = decode_base64_into(text, variant, out);
    if (!decoded) {
        return std::nullopt;
    }
    out.resize(*decoded);
    return out;
}

std::optional<secret_bytes> base64_decode_secret(std::string_view text, base64_variant variant) {
    initialize();
    if (text.empty()) {
        return secret_bytes{};
    }

    // The decoded length is known only after decoding, so decode into a guarded buffer
    // of the maximum size and copy the exact prefix. The scratch buffer is wiped on exit.
    secret_bytes scratch(base64_max_decoded_size(text.size()));
    auto decoded = decode_base64_into(text, variant, scratch.bytes());
    if (!decoded) {
        return std::nullopt;
    }
    return secret_bytes::copy_of(scratch.bytes().first(*decoded));
}

} // namespace skrynka::crypto
