#include "crypto/sealing.hpp"

#include "crypto/error.hpp"
#include "crypto/little_endian.hpp"

#include <sodium.h>

#include <string_view>

namespace skrynka::crypto {
namespace {

constexpr unsigned char blob_version = 1;
constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::string_view blob_context = "skrynka sealed blob";

static_assert(content_key_size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(sealed_content_key_size == content_key_size + crypto_box_SEALBYTES);
static_assert(sealed_blob_overhead == 1 + nonce_size + tag_size);

// The label is length-prefixed so that no two (label, version) pairs share an encoding.
std::vector<unsigned char> blob_associated_data(unsigned char version, std::string_view label) {
    std::vector<unsigned char> ad(blob_context.begin(), blob_context.end());
    ad.push_back(version);
    detail::append_u64_le(ad, label.size());
    detail::append_bytes(
        ad, std::span(reinterpret_cast<const unsigned char*>(label.data()), label.size()));
    return ad;
}

void require_content_key(const secret_bytes& content_key) {
    if (content_key.size() != content_key_size) {
        throw crypto_error(errc::invalid_argument, "content key must be 32 bytes");
    }
}

} // namespace

secret_bytes generate_content_key() { return secret_bytes::random(content_key_size); }

std::vector<unsigned char> seal_content_key(const secret_bytes& content_key,
                                            std::span<const unsigned char> public_key) {
    initialize();
    require_content_key(content_key);
    if (public_key.size() != user_public_key_size) {
        throw crypto_error(errc::invalid_argument, "user public key must be 32 bytes");
    }

    std::vector<unsigned char> sealed(sealed_content_key_size);
    if (crypto_box_seal(sealed.data(), content_key.data(), content_key.size(),
                        public_key.data()) != 0) {
        throw crypto_error(errc::invalid_argument, "user public key is a low-order X25519 point");
    }
    return sealed;
}

std::optional<secret_bytes> open_content_key(std::span<const unsigned char> sealed,
                                             std::span<const unsigned char> public_key,
                                             const secret_bytes& secret_key) {
    initialize();
    if (sealed.size() != sealed_content_key_size) {
        throw crypto_error(errc::invalid_format, "sealed content key must be 80 bytes");
    }
    if (public_key.size() != user_public_key_size || secret_key.size() != user_secret_key_size) {
        throw crypto_error(errc::invalid_argument, "user keys must be 32 bytes each");
    }

    secret_bytes content_key(content_key_size);
    if (crypto_box_seal_open(content_key.data(), sealed.data(), sealed.size(), public_key.data(),
                             secret_key.data()) != 0) {
        return std::nullopt;
    }
    return content_key;
}

std::optional<secret_bytes> open_content_key(std::span<const unsigned char> sealed,
                                             const user_key_pair& keys) {
    return open_content_key(sealed, keys.public_key, keys.secret_key);
}

std::vector<unsigned char> seal_blob(const secret_bytes& content_key, std::string_view label,
                                     std::span<const unsigned char> plaintext) {
    initialize();
    require_content_key(content_key);

    std::vector<unsigned char> sealed(sealed_blob_overhead + plaintext.size());
    sealed[0] = blob_version;
    unsigned char* nonce = sealed.data() + 1;
    unsigned char* ciphertext = nonce + nonce_size;
    // A random 192-bit nonce cannot repeat in practice, so one content key may seal any
    // number of blobs.
    randombytes_buf(nonce, nonce_size);

    auto ad = blob_associated_data(blob_version, label);
    crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, nullptr, plaintext.data(),
                                               plaintext.size(), ad.data(), ad.size(), nullptr,
                                               nonce, content_key.data());
    return sealed;
}

std::optional<std::vector<unsigned char>> open_blob(const secret_bytes& content_key,
                                                    std::string_view label,
                                                    std::span<const unsigned char> sealed) {
    initialize();
    require_content_key(content_key);
    if (sealed.size() < sealed_blob_overhead) {
        throw crypto_error(errc::invalid_format, "sealed blob is shorter than its 41-byte overhead");
    }
    if (sealed[0] != blob_version) {
        throw crypto_error(errc::unsupported_version, "sealed blob has an unknown version");
    }

    const unsigned char* nonce = sealed.data() + 1;
    const unsigned char* ciphertext = nonce + nonce_size;
    std::size_t ciphertext_size = sealed.size() - 1 - nonce_size;
    auto ad = blob_associated_data(blob_version, label);

    std::vector<unsigned char> plaintext(ciphertext_size - tag_size);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.data(), nullptr, nullptr, ciphertext,
                                                   ciphertext_size, ad.data(), ad.size(), nonce,
                                                   content_key.data()) != 0) {
        return std::nullopt;
    }
    return plaintext;
}

} // namespace skrynka::crypto
