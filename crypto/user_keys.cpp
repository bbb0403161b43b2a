#include "crypto/user_keys.hpp"

#include "crypto/error.hpp"

#include <sodium.h>

namespace skrynka::crypto {

static_assert(user_public_key_size == crypto_box_PUBLICKEYBYTES);
static_assert(user_secret_key_size == crypto_box_SECRETKEYBYTES);
static_assert(crypto_scalarmult_BYTES == crypto_box_PUBLICKEYBYTES);

user_key_pair generate_user_key_pair() {
    initialize();
    user_key_pair keys{{}, secret_bytes(user_secret_key_size)};
    crypto_box_keypair(keys.public_key.data(), keys.secret_key.data());
    return keys;
}

user_public_key derive_user_public_key(const secret_bytes& secret_key) {
    initialize();
    if (secret_key.size() != user_secret_key_size) {
        throw crypto_error(errc::invalid_argument, "user secret key must be 32 bytes");
    }

    user_public_key public_key{};
    // crypto_box key pairs are X25519, so the public key is the secret scalar times the
    // base point.
    if (crypto_scalarmult_base(public_key.data(), secret_key.data()) != 0) {
        throw crypto_error(errc::invalid_argument, "user secret key is not a valid X25519 key");
    }
    return public_key;
}

bool user_keys_match(std::span<const unsigned char> public_key, const secret_bytes& secret_key) {
    initialize();
    if (public_key.size() != user_public_key_size || secret_key.size() != user_secret_key_size) {
        return false;
    }

    user_public_key derived{};
    if (crypto_scalarmult_base(derived.data(), secret_key.data()) != 0) {
        return false;
    }
    return sodium_memcmp(derived.data(), public_key.data(), user_public_key_size) == 0;
}

} // namespace skrynka::crypto
