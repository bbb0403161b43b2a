#include "crypto/chunked_aead.hpp"

#include "crypto/error.hpp"
#include "crypto/little_endian.hpp"

#include <algorithm>
#include <sodium.h>
#include <string_view>

namespace skrynka::crypto {
namespace {

constexpr std::string_view chunk_context = "skrynka message chunk";
constexpr std::size_t key_size = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t tag_size = crypto_aead_xchacha20poly1305_ietf_ABYTES;

static_assert(chunk_overhead == nonce_size + tag_size);

std::vector<unsigned char> chunk_associated_data(const message_id& id, std::uint64_t index,
                                                 std::uint64_t total_size) {
    std::vector<unsigned char> ad(chunk_context.begin(), chunk_context.end());
    detail::append_bytes(ad, id);
    detail::append_u64_le(ad, index);
    detail::append_u64_le(ad, chunk_count(total_size));
    detail::append_u64_le(ad, total_size);
    return ad;
}

void require_key(const secret_bytes& content_key) {
    if (content_key.size() != key_size) {
        throw crypto_error(errc::invalid_argument, "content key must be 32 bytes");
    }
}

std::vector<unsigned char> seal_chunk(const secret_bytes& content_key, const message_id& id,
                                      std::uint64_t total_size, std::uint64_t index,
                                      std::span<const unsigned char> plaintext) {
    std::vector<unsigned char> chunk(plaintext.size() + chunk_overhead);
    unsigned char* nonce = chunk.data();
    randombytes_buf(nonce, nonce_size);

    auto ad = chunk_associated_data(id, index, total_size);
    crypto_aead_xchacha20poly1305_ietf_encrypt(chunk.data() + nonce_size, nullptr, plaintext.data(),
                                               plaintext.size(), ad.data(), ad.size(), nullptr,
                                               nonce, content_key.data());
    return chunk;
}

} // namespace

message_id generate_message_id() {
    initialize();
    message_id id{};
    randombytes_buf(id.data(), id.size());
    return id;
}

std::uint64_t chunk_count(std::uint64_t total_size) noexcept {
    if (total_size == 0) {
        return 1;
    }
    return (total_size - 1) / chunk_size + 1;
}

std::uint64_t chunk_plaintext_size(std::uint64_t total_size, std::uint64_t index) {
    std::uint64_t count = chunk_count(total_size);
    if (index >= count) {
        throw crypto_error(errc::invalid_argument, "chunk index is past the last chunk");
    }
    if (index + 1 < count) {
        return chunk_size;
    }
    return total_size - index * chunk_size;
}

chunk_encryptor::chunk_encryptor(const secret_bytes& content_key, const message_id& id,
                                 std::uint64_t total_size)
    : id_(id), total_size_(total_size) {
    require_key(content_key);
    content_key_ = secret_bytes::copy_of(content_key.bytes());
    pending_ = secret_bytes(chunk_size);
}

std::vector<unsigned char> chunk_encryptor::seal_pending() {
    auto chunk = seal_chunk(content_key_, id_, total_size_, next_index_,
                            pending_.bytes().first(pending_size_));
    sodium_memzero(pending_.data(), pending_size_);
    pending_size_ = 0;
    ++next_index_;
    return chunk;
}

std::vector<std::vector<unsigned char>>
chunk_encryptor::update(std::span<const unsigned char> plaintext) {
    if (finished_) {
        throw crypto_error(errc::invalid_argument, "chunk_encryptor::update after finish");
    }
    if (plaintext.size() > total_size_ - fed_) {
        throw crypto_error(errc::invalid_argument, "more plaintext than the declared total size");
    }

    std::vector<std::vector<unsigned char>> chunks;
    while (!plaintext.empty()) {
        std::size_t room = chunk_size - pending_size_;
        std::size_t take = std::min(room, plaintext.size());
        std::copy_n(plaintext.begin(), take, pending_.data() + pending_size_);
        pending_size_ += take;
        fed_ += take;
        plaintext = plaintext.subspan(take);

        // A chunk is sealed as soon as it is complete, including the last one, so the
        // index of each chunk follows from the bytes fed so far.
        if (pending_size_ == chunk_plaintext_size(total_size_, next_index_)) {
            chunks.push_back(seal_pending());
        }
    }
    return chunks;
}

std::vector<std::vector<unsigned char>> chunk_encryptor::finish() {
    if (finished_) {
        throw crypto_error(errc::invalid_argument, "chunk_encryptor::finish called twice");
    }
    if (fed_ != total_size_) {
        throw crypto_error(errc::invalid_argument, "less plaintext than the declared total size");
    }
    finished_ = true;

    std::vector<std::vector<unsigned char>> chunks;
    if (total_size_ == 0) {
        chunks.push_back(seal_pending());
    }
    return chunks;
}

std::vector<std::vector<unsigned char>> encrypt_message(const secret_bytes& content_key,
                                                        const message_id& id,
                                                        std::span<const unsigned char> plaintext) {
    // The whole plaintext is already in the caller's memory, so the chunks are sealed
    // straight from it. chunk_encryptor would copy the key and every chunk into guarded
    // memory first, and each guarded allocation costs several system calls.
    require_key(content_key);
    const std::uint64_t total_size = plaintext.size();
    const std::uint64_t count = chunk_count(total_size);

    std::vector<std::vector<unsigned char>> chunks;
    chunks.reserve(count);
    for (std::uint64_t index = 0; index < count; ++index) {
        const std::size_t offset = static_cast<std::size_t>(index * chunk_size);
        const std::size_t size = static_cast<std::size_t>(chunk_plaintext_size(total_size, index));
        chunks.push_back(
            seal_chunk(content_key, id, total_size, index, plaintext.subspan(offset, size)));
    }
    return chunks;
}

std::optional<std::vector<unsigned char>>
decrypt_chunk(const secret_bytes& content_key, const message_id& id, std::uint64_t total_size,
              std::uint64_t index, std::span<const unsigned char> chunk) {
    initialize();
    require_key(content_key);
    std::uint64_t plaintext_size = chunk_plaintext_size(total_size, index);
    if (chunk.size() != plaintext_size + chunk_overhead) {
        return std::nullopt;
    }

    const unsigned char* nonce = chunk.data();
    auto ciphertext = chunk.subspan(nonce_size);
    auto ad = chunk_associated_data(id, index, total_size);
    std::vector<unsigned char> plaintext(plaintext_size);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext.data(), nullptr, nullptr,
                                                   ciphertext.data(), ciphertext.size(), ad.data(),
                                                   ad.size(), nonce, content_key.data()) != 0) {
        return std::nullopt;
    }
    return plaintext;
}

std::vector<unsigned char> decrypt_range(const secret_bytes& content_key, const message_id& id,
                                         std::uint64_t total_size, std::uint64_t offset,
                                         std::uint64_t length, const chunk_reader& read_chunk) {
    require_key(content_key);
    if (offset >= total_size || length == 0) {
        return {};
    }

    std::uint64_t end = offset + std::min(length, total_size - offset);
    std::uint64_t first = offset / chunk_size;
    std::uint64_t last = (end - 1) / chunk_size;

    std::vector<unsigned char> result;
    result.reserve(end - offset);
    for (std::uint64_t index = first; index <= last; ++index) {
        auto plaintext = decrypt_chunk(content_key, id, total_size, index, read_chunk(index));
        if (!plaintext) {
            throw crypto_error(errc::authentication_failed, "message chunk failed to authenticate");
        }

        std::uint64_t chunk_start = index * chunk_size;
        std::uint64_t from = std::max(offset, chunk_start) - chunk_start;
        std::uint64_t to = std::min(end, chunk_start + plaintext->size()) - chunk_start;
        result.insert(result.end(), plaintext->begin() + static_cast<std::ptrdiff_t>(from),
                      plaintext->begin() + static_cast<std::ptrdiff_t>(to));
    }
    return result;
}

std::vector<unsigned char> decrypt_message(const secret_bytes& content_key, const message_id& id,
                                           std::uint64_t total_size,
                                           const chunk_reader& read_chunk) {
    if (total_size == 0) {
        require_key(content_key);
        if (!decrypt_chunk(content_key, id, 0, 0, read_chunk(0))) {
            throw crypto_error(errc::authentication_failed, "message chunk failed to authenticate");
        }
        return {};
    }
    return decrypt_range(content_key, id, total_size, 0, total_size, read_chunk);
}

} // namespace skrynka::crypto
