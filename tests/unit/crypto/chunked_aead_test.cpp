#include "crypto/chunked_aead.hpp"

#include "crypto/error.hpp"
#include "crypto/sealing.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace skrynka::crypto;
using skrynka::crypto::testing::pattern;

namespace {

using chunk_list = std::vector<std::vector<unsigned char>>;

// A reader over stored chunks that records which indexes were requested. A missing
// index reads as an empty chunk, as the chunk_reader contract requires.
struct recording_reader {
    const chunk_list* chunks;
    std::vector<std::uint64_t> requested;

    chunk_reader reader() {
        return [this](std::uint64_t index) {
            requested.push_back(index);
            if (index >= chunks->size()) {
                return std::vector<unsigned char>{};
            }
            return (*chunks)[index];
        };
    }
};

struct encrypted_message {
    secret_bytes key = generate_content_key();
    message_id id = generate_message_id();
    std::vector<unsigned char> plaintext;
    chunk_list chunks;

    explicit encrypted_message(std::size_t size) : plaintext(pattern(size)) {
        chunks = encrypt_message(key, id, plaintext);
    }

    std::vector<unsigned char> decrypt_all(const chunk_list& stored) const {
        recording_reader reader{&stored, {}};
        return decrypt_message(key, id, plaintext.size(), reader.reader());
    }
};

template <typename Function>
void require_crypto_error(Function f, errc expected) {
    try {
        f();
        FAIL("no crypto_error was thrown");
    } catch (const crypto_error& error) {
        REQUIRE(error.code() == expected);
    }
}

std::vector<unsigned char> slice(const std::vector<unsigned char>& bytes, std::uint64_t offset,
                                 std::uint64_t length) {
    if (offset >= bytes.size()) {
        return {};
    }
    auto end = offset + std::min<std::uint64_t>(length, bytes.size() - offset);
    return {bytes.begin() + static_cast<std::ptrdiff_t>(offset),
            bytes.begin() + static_cast<std::ptrdiff_t>(end)};
}

} // namespace

TEST_CASE("chunk count covers every size", "[crypto][chunked_aead]") {
    REQUIRE(chunk_count(0) == 1);
    REQUIRE(chunk_count(1) == 1);
    REQUIRE(chunk_count(chunk_size - 1) == 1);
    REQUIRE(chunk_count(chunk_size) == 1);
    REQUIRE(chunk_count(chunk_size + 1) == 2);
    REQUIRE(chunk_count(3 * chunk_size) == 3);
    REQUIRE(chunk_plaintext_size(0, 0) == 0);
    REQUIRE(chunk_plaintext_size(chunk_size + 1, 0) == chunk_size);
    REQUIRE(chunk_plaintext_size(chunk_size + 1, 1) == 1);
    REQUIRE_THROWS_AS(chunk_plaintext_size(chunk_size + 1, 2), crypto_error);
}

TEST_CASE("chunked message round trips", "[crypto][chunked_aead]") {
    for (std::size_t size : {std::size_t{1}, std::size_t{100}, chunk_size - 1, chunk_size,
                             chunk_size + 1, 3 * chunk_size + 17}) {
        INFO("size " << size);
        encrypted_message message(size);
        REQUIRE(message.chunks.size() == chunk_count(size));
        for (std::size_t i = 0; i < message.chunks.size(); ++i) {
            REQUIRE(message.chunks[i].size() == chunk_plaintext_size(size, i) + chunk_overhead);
        }
        REQUIRE(message.decrypt_all(message.chunks) == message.plaintext);
    }
}

TEST_CASE("empty message makes one empty chunk", "[crypto][chunked_aead]") {
    encrypted_message message(0);
    REQUIRE(message.chunks.size() == 1);
    REQUIRE(message.chunks[0].size() == chunk_overhead);
    REQUIRE(message.decrypt_all(message.chunks).empty());

    chunk_list none;
    require_crypto_error([&] { message.decrypt_all(none); }, errc::authentication_failed);
}

TEST_CASE("chunk encryptor accepts any input split", "[crypto][chunked_aead]") {
    auto key = generate_content_key();
    auto id = generate_message_id();
    auto plaintext = pattern(2 * chunk_size + 5);

    for (std::size_t piece : {std::size_t{1000}, chunk_size, chunk_size + 3, plaintext.size()}) {
        INFO("piece " << piece);
        chunk_encryptor encryptor(key, id, plaintext.size());
        chunk_list chunks;
        std::span<const unsigned char> rest(plaintext);
        while (!rest.empty()) {
            auto take = std::min(piece, rest.size());
            for (auto& chunk : encryptor.update(rest.first(take))) {
                chunks.push_back(std::move(chunk));
            }
            rest = rest.subspan(take);
        }
        for (auto& chunk : encryptor.finish()) {
            chunks.push_back(std::move(chunk));
        }

        REQUIRE(chunks.size() == 3);
        REQUIRE(encryptor.next_index() == 3);
        recording_reader reader{&chunks, {}};
        REQUIRE(decrypt_message(key, id, plaintext.size(), reader.reader()) == plaintext);
    }
}

TEST_CASE("chunk encryptor enforces the declared size", "[crypto][chunked_aead]") {
    auto key = generate_content_key();
    auto id = generate_message_id();
    auto plaintext = pattern(10);

    chunk_encryptor too_much(key, id, 5);
    require_crypto_error([&] { too_much.update(plaintext); }, errc::invalid_argument);

    chunk_encryptor too_little(key, id, 20);
    too_little.update(plaintext);
    require_crypto_error([&] { too_little.finish(); }, errc::invalid_argument);

    chunk_encryptor finished(key, id, 10);
    finished.update(plaintext);
    REQUIRE(finished.finish().empty());
    require_crypto_error([&] { finished.update(plaintext); }, errc::invalid_argument);
    require_crypto_error([&] { finished.finish(); }, errc::invalid_argument);

    require_crypto_error([&] { chunk_encryptor(secret_bytes(16), id, 10); },
                         errc::invalid_argument);
}

TEST_CASE("chunk rejects wrong key", "[crypto][chunked_aead]") {
    encrypted_message message(chunk_size + 10);
    auto other_key = generate_content_key();
    REQUIRE_FALSE(decrypt_chunk(other_key, message.id, message.plaintext.size(), 0,
                                message.chunks[0]));
    recording_reader reader{&message.chunks, {}};
    require_crypto_error(
        [&] { decrypt_message(other_key, message.id, message.plaintext.size(), reader.reader()); },
        errc::authentication_failed);
}

TEST_CASE("chunk detects every flipped byte", "[crypto][chunked_aead]") {
    encrypted_message message(300);
    const auto& chunk = message.chunks[0];
    REQUIRE(decrypt_chunk(message.key, message.id, 300, 0, chunk));

    for (std::size_t i = 0; i < chunk.size(); ++i) {
        INFO("byte " << i);
        auto tampered = chunk;
        tampered[i] ^= 0x01;
        REQUIRE_FALSE(decrypt_chunk(message.key, message.id, 300, 0, tampered));
    }
}

TEST_CASE("chunk truncations fail cleanly", "[crypto][chunked_aead]") {
    encrypted_message message(300);
    const auto& chunk = message.chunks[0];
    for (std::size_t size = 0; size < chunk.size(); ++size) {
        INFO("size " << size);
        std::span<const unsigned char> truncated(chunk.data(), size);
        REQUIRE_FALSE(decrypt_chunk(message.key, message.id, 300, 0, truncated));
    }
}

TEST_CASE("chunks swapped between messages fail", "[crypto][chunked_aead]") {
    // Same key and size, so only the message id in the associated data differs.
    auto key = generate_content_key();
    auto plaintext = pattern(2 * chunk_size);
    auto first_id = generate_message_id();
    auto second_id = generate_message_id();
    auto first = encrypt_message(key, first_id, plaintext);
    auto second = encrypt_message(key, second_id, plaintext);

    chunk_list mixed{first[0], second[1]};
    recording_reader reader{&mixed, {}};
    require_crypto_error(
        [&] { decrypt_message(key, first_id, plaintext.size(), reader.reader()); },
        errc::authentication_failed);
    REQUIRE_FALSE(decrypt_chunk(key, first_id, plaintext.size(), 1, second[1]));
}

TEST_CASE("reordered chunks fail", "[crypto][chunked_aead]") {
    encrypted_message message(3 * chunk_size);
    auto reordered = message.chunks;
    std::swap(reordered[0], reordered[1]);
    require_crypto_error([&] { message.decrypt_all(reordered); }, errc::authentication_failed);
}

TEST_CASE("duplicated chunk fails", "[crypto][chunked_aead]") {
    encrypted_message message(3 * chunk_size);
    auto duplicated = message.chunks;
    duplicated[2] = duplicated[1];
    require_crypto_error([&] { message.decrypt_all(duplicated); }, errc::authentication_failed);
}

TEST_CASE("dropped chunk fails", "[crypto][chunked_aead]") {
    encrypted_message message(3 * chunk_size);
    auto dropped = message.chunks;
    dropped.erase(dropped.begin() + 1);
    require_crypto_error([&] { message.decrypt_all(dropped); }, errc::authentication_failed);

    auto last_dropped = message.chunks;
    last_dropped.pop_back();
    require_crypto_error([&] { message.decrypt_all(last_dropped); },
                         errc::authentication_failed);
}

TEST_CASE("truncated message fails", "[crypto][chunked_aead]") {
    // Cutting the last chunk and shrinking the stored size to match still fails,
    // because every chunk binds the total size and chunk count.
    encrypted_message message(3 * chunk_size);
    chunk_list truncated(message.chunks.begin(), message.chunks.begin() + 2);
    recording_reader reader{&truncated, {}};
    require_crypto_error(
        [&] { decrypt_message(message.key, message.id, 2 * chunk_size, reader.reader()); },
        errc::authentication_failed);
    REQUIRE_FALSE(decrypt_chunk(message.key, message.id, 2 * chunk_size, 1, message.chunks[1]));
}

TEST_CASE("chunk decrypt rejects index past the end", "[crypto][chunked_aead]") {
    encrypted_message message(10);
    require_crypto_error(
        [&] { decrypt_chunk(message.key, message.id, 10, 1, message.chunks[0]); },
        errc::invalid_argument);
    require_crypto_error(
        [&] { decrypt_chunk(secret_bytes(31), message.id, 10, 0, message.chunks[0]); },
        errc::invalid_argument);
}

TEST_CASE("range decryption at chunk boundaries", "[crypto][chunked_aead]") {
    encrypted_message message(3 * chunk_size + 100);
    const std::uint64_t total = message.plaintext.size();

    struct range_case {
        std::uint64_t offset;
        std::uint64_t length;
        std::vector<std::uint64_t> chunks_read;
    };
    const std::vector<range_case> cases{
        {0, 10, {0}},
        {0, chunk_size, {0}},
        {chunk_size - 1, 1, {0}},
        {chunk_size - 1, 2, {0, 1}},
        {chunk_size, 1, {1}},
        {chunk_size + 1, 5, {1}},
        {chunk_size - 1, chunk_size + 2, {0, 1, 2}},
        {10, total, {0, 1, 2, 3}},
        {3 * chunk_size + 50, 1000, {3}},
        {total - 1, 1, {3}},
    };
    for (const auto& c : cases) {
        INFO("offset " << c.offset << " length " << c.length);
        recording_reader reader{&message.chunks, {}};
        auto bytes =
            decrypt_range(message.key, message.id, total, c.offset, c.length, reader.reader());
        REQUIRE(bytes == slice(message.plaintext, c.offset, c.length));
        REQUIRE(reader.requested == c.chunks_read);
    }
}

TEST_CASE("range decryption past the end is empty", "[crypto][chunked_aead]") {
    encrypted_message message(chunk_size + 5);
    const std::uint64_t total = message.plaintext.size();
    for (std::uint64_t offset : {total, total + 1, std::uint64_t{UINT64_MAX}}) {
        recording_reader reader{&message.chunks, {}};
        REQUIRE(decrypt_range(message.key, message.id, total, offset, 10, reader.reader()).empty());
        REQUIRE(reader.requested.empty());
    }

    recording_reader reader{&message.chunks, {}};
    auto clamped =
        decrypt_range(message.key, message.id, total, total - 3, UINT64_MAX, reader.reader());
    REQUIRE(clamped == slice(message.plaintext, total - 3, 3));
}

TEST_CASE("zero-length range reads nothing", "[crypto][chunked_aead]") {
    encrypted_message message(100);
    recording_reader reader{&message.chunks, {}};
    REQUIRE(decrypt_range(message.key, message.id, 100, 5, 0, reader.reader()).empty());
    REQUIRE(reader.requested.empty());
}

TEST_CASE("range decryption detects a bad chunk", "[crypto][chunked_aead]") {
    encrypted_message message(2 * chunk_size + 1);
    auto tampered = message.chunks;
    tampered[1][40] ^= 0x01;
    recording_reader reader{&tampered, {}};
    // The range in chunk 0 never touches the tampered chunk.
    REQUIRE(decrypt_range(message.key, message.id, message.plaintext.size(), 0, 10,
                          reader.reader()) == slice(message.plaintext, 0, 10));
    require_crypto_error(
        [&] {
            decrypt_range(message.key, message.id, message.plaintext.size(), chunk_size, 10,
                          reader.reader());
        },
        errc::authentication_failed);
}

TEST_CASE("whole-message encryption rejects short key", "[crypto][chunked_aead]") {
    const secret_bytes short_key = secret_bytes::random(16);
    const std::vector<unsigned char> plaintext = pattern(10);
    require_crypto_error([&] { encrypt_message(short_key, generate_message_id(), plaintext); },
                         errc::invalid_argument);
}
