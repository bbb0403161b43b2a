#include "crypto/hash.hpp"

#include "crypto/encoding.hpp"
#include "crypto/error.hpp"
#include "crypto/secret.hpp"

#include <sodium.h>

namespace skrynka::crypto {

static_assert(hash_size == crypto_generichash_BYTES);
static_assert(hash_min_size == crypto_generichash_BYTES_MIN);
static_assert(hash_max_size == crypto_generichash_BYTES_MAX);
static_assert(hash_key_min_size == crypto_generichash_KEYBYTES_MIN);
static_assert(hash_key_max_size == crypto_generichash_KEYBYTES_MAX);

void hash_into(std::span<unsigned char> output, std::span<const unsigned char> data,
               std::span<const unsigned char> key) {
    initialize();
    if (output.size() < hash_min_size || output.size() > hash_max_size) {
        throw crypto_error(errc::invalid_argument, "BLAKE2b output size must be 16 to 64 bytes");
    }
    if (!key.empty() && (key.size() < hash_key_min_size || key.size() > hash_key_max_size)) {
        throw crypto_error(errc::invalid_argument, "BLAKE2b key size must be 16 to 64 bytes");
    }

    crypto_generichash(output.data(), output.size(), data.data(), data.size(),
                       key.empty() ? nullptr : key.data(), key.size());
}

digest hash(std::span<const unsigned char> data) {
    digest out{};
    hash_into(out, data);
    return out;
}

digest hash(std::string_view data) {
    return hash(std::span(reinterpret_cast<const unsigned char*>(data.data()), data.size()));
}

digest keyed_hash(std::span<const unsigned char> key, std::span<const unsigned char> data) {
    if (key.empty()) {
        throw crypto_error(errc::invalid_argument, "keyed BLAKE2b needs a key of 16 to 64 bytes");
    }
    digest out{};
    hash_into(out, data, key);
    return out;
}

std::string hash_hex(std::span<const unsigned char> data) { return hex_encode(hash(data)); }

} // namespace skrynka::crypto
