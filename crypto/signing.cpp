#include "crypto/signing.hpp"

#include "crypto/error.hpp"

#include <sodium.h>

namespace skrynka::crypto {

static_assert(signing_public_key_size == crypto_sign_PUBLICKEYBYTES);
static_assert(signing_secret_key_size == crypto_sign_SECRETKEYBYTES);
static_assert(signing_seed_size == crypto_sign_SEEDBYTES);
static_assert(signature_size == crypto_sign_BYTES);

signing_key_pair generate_signing_key_pair() {
    initialize();
    signing_key_pair keys{{}, secret_bytes(signing_secret_key_size)};
    crypto_sign_keypair(keys.public_key.data(), keys.secret_key.data());
    return keys;
}

signing_key_pair signing_key_pair_from_seed(const secret_bytes& seed) {
    initialize();
    if (seed.size() != signing_seed_size) {
        throw crypto_error(errc::invalid_argument, "Ed25519 seed must be 32 bytes");
    }

    signing_key_pair keys{{}, secret_bytes(signing_secret_key_size)};
    crypto_sign_seed_keypair(keys.public_key.data(), keys.secret_key.data(), seed.data());
    return keys;
}

secret_bytes signing_seed(const secret_bytes& secret_key) {
    initialize();
    if (secret_key.size() != signing_secret_key_size) {
        throw crypto_error(errc::invalid_argument, "Ed25519 secret key must be 64 bytes");
    }

    secret_bytes seed(signing_seed_size);
    crypto_sign_ed25519_sk_to_seed(seed.data(), secret_key.data());
    return seed;
}

signature sign(const secret_bytes& secret_key, std::span<const unsigned char> message) {
    initialize();
    if (secret_key.size() != signing_secret_key_size) {
        throw crypto_error(errc::invalid_argument, "Ed25519 secret key must be 64 bytes");
    }

    signature out{};
    crypto_sign_detached(out.data(), nullptr, message.data(), message.size(), secret_key.data());
    return out;
}

bool verify(std::span<const unsigned char> public_key, std::span<const unsigned char> message,
            std::span<const unsigned char> signature_bytes) {
    initialize();
    if (public_key.size() != signing_public_key_size || signature_bytes.size() != signature_size) {
        return false;
    }
    return crypto_sign_verify_detached(signature_bytes.data(), message.data(), message.size(),
                                       public_key.data()) == 0;
}

} // namespace skrynka::crypto
