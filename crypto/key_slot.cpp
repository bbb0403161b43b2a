#include "crypto/key_slot.hpp"

#include "crypto/error.hpp"
#include "crypto/little_endian.hpp"
#include "crypto/user_keys.hpp"

#include <sodium.h>

#include <algorithm>
#include <string_view>

namespace skrynka::crypto {
namespace {

constexpr std::string_view slot_context = "skrynka key slot";
constexpr std::size_t kek_size = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t header_size = 18; // version, kind, ops_limit, mem_limit_bytes

static_assert(argon2_min_ops_limit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(argon2_min_mem_limit_bytes == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(argon2_max_mem_limit_bytes <= crypto_pwhash_argon2id_MEMLIMIT_MAX);
static_assert(key_slot_salt_size == crypto_pwhash_argon2id_SALTBYTES);
static_assert(key_slot_nonce_size == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(key_slot_ciphertext_size ==
              user_secret_key_size + crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(encoded_key_slot_size == header_size + key_slot_salt_size + key_slot_nonce_size +
                                           key_slot_ciphertext_size);

bool kind_valid(slot_kind kind) {
    return kind == slot_kind::login || kind == slot_kind::app_password ||
           kind == slot_kind::recovery;
}

std::vector<unsigned char> encode_header(const key_slot& slot) {
    std::vector<unsigned char> header;
    header.reserve(header_size);
    header.push_back(slot.version);
    header.push_back(static_cast<unsigned char>(slot.kind));
    detail::append_u64_le(header, slot.params.ops_limit);
    detail::append_u64_le(header, slot.params.mem_limit_bytes);
    return header;
}

// Everything in the slot except the nonce and ciphertext is authenticated here, and the
// context is length-prefixed so that no two contexts share an encoding.
std::vector<unsigned char> slot_associated_data(const key_slot& slot, std::string_view context) {
    std::vector<unsigned char> ad(slot_context.begin(), slot_context.end());
    detail::append_bytes(ad, encode_header(slot));
    detail::append_bytes(ad, slot.salt);
    detail::append_u64_le(ad, context.size());
    detail::append_bytes(
        ad, std::span(reinterpret_cast<const unsigned char*>(context.data()), context.size()));
    return ad;
}

secret_bytes derive_kek(const secret_bytes& password, std::span<const unsigned char> salt,
                        const argon2_params& params) {
    // libsodium 1.0.18 declares every pointer argument of crypto_pwhash nonnull, and an
    // empty secret_bytes has a null data(), so an empty password points at a real byte.
    static const char empty_password = 0;
    const char* password_data =
        password.empty() ? &empty_password : reinterpret_cast<const char*>(password.data());

    secret_bytes kek(kek_size);
    if (crypto_pwhash(kek.data(), kek.size(), password_data,
                      password.size(), salt.data(), params.ops_limit,
                      static_cast<std::size_t>(params.mem_limit_bytes),
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw crypto_error(errc::key_derivation_failed,
                           "Argon2id failed, most likely for lack of memory");
    }
    return kek;
}

// Checks the fields that decode also checks, for slots built in memory.
void require_well_formed(const key_slot& slot) {
    if (slot.version != key_slot_version) {
        throw crypto_error(errc::unsupported_version, "key slot has an unknown version");
    }
    if (!kind_valid(slot.kind)) {
        throw crypto_error(errc::invalid_format, "key slot has an unknown kind");
    }
    if (!argon2_params_valid(slot.params)) {
        throw crypto_error(errc::invalid_format, "key slot Argon2id parameters are out of range");
    }
}

void require_context(std::string_view context) {
    if (context.empty()) {
        throw crypto_error(errc::invalid_argument, "key slot context must not be empty");
    }
}

void require_params(const argon2_params& params) {
    if (!argon2_params_valid(params)) {
        throw crypto_error(errc::invalid_argument, "Argon2id parameters are out of range");
    }
}

} // namespace

argon2_params default_argon2_params() noexcept {
    return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

argon2_params test_argon2_params() noexcept {
    return {argon2_min_ops_limit, argon2_min_mem_limit_bytes};
}

bool argon2_params_valid(const argon2_params& params) noexcept {
    return params.ops_limit >= argon2_min_ops_limit && params.ops_limit <= argon2_max_ops_limit &&
           params.mem_limit_bytes >= argon2_min_mem_limit_bytes &&
           params.mem_limit_bytes <= argon2_max_mem_limit_bytes;
}

key_slot seal_key_slot(slot_kind kind, const secret_bytes& password,
                       const secret_bytes& user_secret_key, std::string_view context,
                       const argon2_params& params) {
    initialize();
    if (!kind_valid(kind)) {
        throw crypto_error(errc::invalid_argument, "key slot kind is not a slot_kind value");
    }
    if (password.empty()) {
        throw crypto_error(errc::invalid_argument, "key slot password must not be empty");
    }
    if (user_secret_key.size() != user_secret_key_size) {
        throw crypto_error(errc::invalid_argument, "user secret key must be 32 bytes");
    }
    require_context(context);
    require_params(params);

    key_slot slot;
    slot.kind = kind;
    slot.params = params;
    randombytes_buf(slot.salt.data(), slot.salt.size());
    randombytes_buf(slot.nonce.data(), slot.nonce.size());

    auto kek = derive_kek(password, slot.salt, params);
    auto ad = slot_associated_data(slot, context);
    crypto_aead_xchacha20poly1305_ietf_encrypt(slot.ciphertext.data(), nullptr,
                                               user_secret_key.data(), user_secret_key.size(),
                                               ad.data(), ad.size(), nullptr, slot.nonce.data(),
                                               kek.data());
    return slot;
}

std::optional<secret_bytes> open_key_slot(const key_slot& slot, const secret_bytes& password,
                                          std::string_view context) {
    initialize();
    require_well_formed(slot);
    require_context(context);

    auto kek = derive_kek(password, slot.salt, slot.params);
    auto ad = slot_associated_data(slot, context);
    secret_bytes user_secret_key(user_secret_key_size);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            user_secret_key.data(), nullptr, nullptr, slot.ciphertext.data(),
            slot.ciphertext.size(), ad.data(), ad.size(), slot.nonce.data(), kek.data()) != 0) {
        return std::nullopt;
    }
    return user_secret_key;
}

std::vector<unsigned char> encode_key_slot(const key_slot& slot) {
    try {
        require_well_formed(slot);
    } catch (const crypto_error&) {
        throw crypto_error(errc::invalid_format, "key slot to encode is malformed");
    }

    auto encoded = encode_header(slot);
    encoded.reserve(encoded_key_slot_size);
    detail::append_bytes(encoded, slot.salt);
    detail::append_bytes(encoded, slot.nonce);
    detail::append_bytes(encoded, slot.ciphertext);
    return encoded;
}

key_slot decode_key_slot(std::span<const unsigned char> encoded) {
    if (encoded.size() != encoded_key_slot_size) {
        throw crypto_error(errc::invalid_format, "encoded key slot must be exactly 106 bytes");
    }

    key_slot slot;
    slot.version = encoded[0];
    slot.kind = static_cast<slot_kind>(encoded[1]);
    slot.params.ops_limit = detail::load_u64_le(encoded.subspan(2, 8));
    slot.params.mem_limit_bytes = detail::load_u64_le(encoded.subspan(10, 8));

    auto rest = encoded.subspan(header_size);
    std::copy_n(rest.begin(), key_slot_salt_size, slot.salt.begin());
    rest = rest.subspan(key_slot_salt_size);
    std::copy_n(rest.begin(), key_slot_nonce_size, slot.nonce.begin());
    rest = rest.subspan(key_slot_nonce_size);
    std::copy_n(rest.begin(), key_slot_ciphertext_size, slot.ciphertext.begin());

    require_well_formed(slot);
    return slot;
}

void spend_failed_login_cost(const secret_bytes& password, const argon2_params& params) {
    initialize();
    require_params(params);

    static constexpr std::array<unsigned char, key_slot_salt_size> dummy_salt{};
    auto kek = derive_kek(password, dummy_salt, params);
    // kek is wiped and freed here. It must still be computed in full: the point of this
    // function is the time and memory that computation takes.
}

} // namespace skrynka::crypto
