#include "crypto/passphrase_stream.hpp"

#include "crypto/error.hpp"
#include "crypto/little_endian.hpp"

#include <algorithm>
#include <sodium.h>
#include <string_view>

namespace skrynka::crypto {

namespace {

constexpr std::string_view magic{"skrynka-stream\0\1", 16};
constexpr std::size_t salt_size = 16;
constexpr std::size_t stream_header_size = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
static_assert(salt_size == crypto_pwhash_SALTBYTES);
static_assert(magic.size() + 8 + 8 + salt_size + stream_header_size ==
              passphrase_stream_header_size);

secret_bytes derive_key(const secret_bytes& passphrase, std::span<const unsigned char> salt,
                        const argon2_params& params) {
    secret_bytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                      passphrase.size(), salt.data(), params.ops_limit,
                      static_cast<std::size_t>(params.mem_limit_bytes),
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw crypto_error(errc::key_derivation_failed,
                           "Argon2id failed, most likely for lack of memory");
    }
    return key;
}

} // namespace

struct passphrase_stream_writer::state {
    crypto_secretstream_xchacha20poly1305_state stream;
};

struct passphrase_stream_reader::state {
    crypto_secretstream_xchacha20poly1305_state stream;
};

passphrase_stream_writer::passphrase_stream_writer(const secret_bytes& passphrase,
                                                   const argon2_params& params)
    : state_(std::make_unique<state>()) {
    if (passphrase.empty()) {
        throw crypto_error(errc::invalid_argument, "the export passphrase is empty");
    }
    if (!argon2_params_valid(params)) {
        throw crypto_error(errc::invalid_argument, "Argon2id parameters are out of range");
    }

    std::vector<unsigned char> header(magic.begin(), magic.end());
    detail::append_u64_le(header, params.ops_limit);
    detail::append_u64_le(header, params.mem_limit_bytes);
    std::array<unsigned char, salt_size> salt{};
    randombytes_buf(salt.data(), salt.size());
    detail::append_bytes(header, salt);

    const secret_bytes key = derive_key(passphrase, salt, params);
    std::array<unsigned char, stream_header_size> stream_header{};
    crypto_secretstream_xchacha20poly1305_init_push(&state_->stream, stream_header.data(),
                                                    key.data());
    detail::append_bytes(header, stream_header);
    std::copy(header.begin(), header.end(), header_.begin());
}

passphrase_stream_writer::~passphrase_stream_writer() {
    if (state_) {
        sodium_memzero(&state_->stream, sizeof(state_->stream));
    }
}

std::vector<unsigned char> passphrase_stream_writer::seal(std::span<const unsigned char> plaintext,
                                                          bool final) {
    if (finished_) {
        throw crypto_error(errc::invalid_argument, "the stream already ended");
    }
    if (plaintext.size() > passphrase_stream_max_message) {
        throw crypto_error(errc::invalid_argument, "a stream message is too long");
    }
    const std::size_t size = plaintext.size() + crypto_secretstream_xchacha20poly1305_ABYTES;
    std::vector<unsigned char> frame(4 + size);
    for (std::size_t i = 0; i < 4; ++i) {
        frame[i] = static_cast<unsigned char>(size >> (8 * i));
    }
    const unsigned char tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                    : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    crypto_secretstream_xchacha20poly1305_push(&state_->stream, frame.data() + 4, nullptr,
                                               plaintext.data(), plaintext.size(), nullptr, 0,
                                               tag);
    finished_ = final;
    return frame;
}

passphrase_stream_reader::passphrase_stream_reader(std::span<const unsigned char> header,
                                                   const secret_bytes& passphrase)
    : state_(std::make_unique<state>()) {
    if (header.size() < passphrase_stream_header_size) {
        throw crypto_error(errc::invalid_format, "the stream header is truncated");
    }
    if (!std::equal(magic.begin(), magic.end(), header.begin())) {
        throw crypto_error(errc::unsupported_version,
                           "not an encrypted skrynka export, or one of a newer version");
    }
    argon2_params params;
    params.ops_limit = detail::load_u64_le(header.subspan(16));
    params.mem_limit_bytes = detail::load_u64_le(header.subspan(24));
    if (!argon2_params_valid(params)) {
        throw crypto_error(errc::invalid_format, "the stream's Argon2id parameters are out of range");
    }
    const secret_bytes key = derive_key(passphrase, header.subspan(32, salt_size), params);
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state_->stream,
                                                        header.subspan(48).data(),
                                                        key.data()) != 0) {
        throw crypto_error(errc::invalid_format, "the stream header is invalid");
    }
}

passphrase_stream_reader::~passphrase_stream_reader() {
    if (state_) {
        sodium_memzero(&state_->stream, sizeof(state_->stream));
    }
}

std::size_t passphrase_stream_reader::frame_size(std::span<const unsigned char, 4> length) {
    std::size_t size = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        size |= std::size_t{length[i]} << (8 * i);
    }
    if (size < crypto_secretstream_xchacha20poly1305_ABYTES ||
        size > passphrase_stream_max_message + crypto_secretstream_xchacha20poly1305_ABYTES) {
        throw crypto_error(errc::invalid_format, "a stream frame has an invalid length");
    }
    return size;
}

passphrase_stream_reader::message
passphrase_stream_reader::open(std::span<const unsigned char> ciphertext) {
    if (finished_) {
        throw crypto_error(errc::invalid_argument, "data follows the end of the stream");
    }
    if (ciphertext.size() < crypto_secretstream_xchacha20poly1305_ABYTES) {
        throw crypto_error(errc::authentication_failed, "a stream frame is truncated");
    }
    message result;
    result.plaintext.resize(ciphertext.size() - crypto_secretstream_xchacha20poly1305_ABYTES);
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state_->stream, result.plaintext.data(),
                                                   nullptr, &tag, ciphertext.data(),
                                                   ciphertext.size(), nullptr, 0) != 0) {
        throw crypto_error(errc::authentication_failed,
                           "wrong passphrase, or the file was altered or truncated");
    }
    result.final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    finished_ = result.final;
    return result;
}

} // namespace skrynka::crypto
