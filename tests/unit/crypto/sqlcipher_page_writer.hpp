// Test-only encryption of a SQLCipher 4 page, the inverse of sqlcipher_page_reader, for
// planting pages that are damaged in their plaintext but carry a valid HMAC. It writes
// the format independently of the reader, so SQLCipher accepting its pages confirms the
// format in the encrypting direction too.
#pragma once

#include "crypto/secret.hpp"
#include "crypto/sqlcipher_page_reader.hpp"

#include <botan/cipher_mode.h>
#include <botan/mac.h>
#include <botan/pwdhash.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace skrynka::crypto::testing {

// Returns the stored image of page page_number for plaintext, which is page_size bytes
// long and, for page 1, starts with the SQLite header string that the salt replaces.
// Every IV byte is iv_byte, so that the output is deterministic.
inline std::vector<unsigned char> encrypt_page(const std::vector<unsigned char>& plaintext,
                                               std::uint32_t page_number, const secret_bytes& key,
                                               const sqlcipher_salt& salt,
                                               unsigned char iv_byte = 0x5c) {
    std::size_t page_size = plaintext.size();
    std::size_t span_begin = page_number == 1 ? sqlcipher_salt_size : 0;
    std::size_t span_end = page_size - sqlcipher_reserved_size;

    std::vector<unsigned char> image = plaintext;
    if (page_number == 1) {
        std::copy(salt.begin(), salt.end(), image.begin());
    }
    std::fill(image.begin() + static_cast<std::ptrdiff_t>(span_end),
              image.begin() + static_cast<std::ptrdiff_t>(span_end + sqlcipher_iv_size), iv_byte);

    auto cipher = Botan::Cipher_Mode::create_or_throw("AES-256/CBC/NoPadding", Botan::ENCRYPTION);
    cipher->set_key(key.data(), key.size());
    cipher->start(image.data() + span_end, sqlcipher_iv_size);
    cipher->process(image.data() + span_begin, span_end - span_begin);

    sqlcipher_salt masked = salt;
    for (auto& byte : masked) {
        byte ^= 0x3a;
    }
    std::vector<unsigned char> hmac_key(32);
    Botan::PasswordHashFamily::create_or_throw("PBKDF2(SHA-512)")
        ->from_params(2)
        ->derive_key(hmac_key.data(), hmac_key.size(), reinterpret_cast<const char*>(key.data()),
                     key.size(), masked.data(), masked.size());

    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-512)");
    mac->set_key(hmac_key);
    mac->update(image.data() + span_begin, span_end + sqlcipher_iv_size - span_begin);
    const unsigned char page_number_le[4] = {
        static_cast<unsigned char>(page_number), static_cast<unsigned char>(page_number >> 8),
        static_cast<unsigned char>(page_number >> 16), static_cast<unsigned char>(page_number >> 24)};
    mac->update(page_number_le, sizeof page_number_le);
    mac->final(image.data() + span_end + sqlcipher_iv_size);
    return image;
}

} // namespace skrynka::crypto::testing
