#include "crypto/fingerprint_set.hpp"

#include "crypto/error.hpp"

#include <sodium.h>

#include <algorithm>

namespace skrynka::crypto {
namespace {

static_assert(fingerprint_key_size == crypto_shorthash_KEYBYTES);
static_assert(crypto_shorthash_BYTES == 8);

std::uint64_t siphash(const fingerprint_key& key, std::span<const unsigned char> bytes) {
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, bytes.data(), bytes.size(), key.data());
    std::uint64_t value = 0;
    for (unsigned char byte : out) {
        value = (value << 8) | byte;
    }
    return value;
}

void put_be(std::vector<unsigned char>& out, std::uint64_t value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(value >> shift));
    }
}

// Reads big-endian integers against an explicit end.
class be_reader {
public:
    explicit be_reader(std::span<const unsigned char> bytes) : bytes_(bytes) {}

    std::optional<std::uint64_t> read(std::size_t width) {
        if (bytes_.size() - position_ < width) {
            return std::nullopt;
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            value = (value << 8) | bytes_[position_ + i];
        }
        position_ += width;
        return value;
    }

    std::span<const unsigned char> take(std::size_t count) {
        if (bytes_.size() - position_ < count) {
            return {};
        }
        auto part = bytes_.subspan(position_, count);
        position_ += count;
        return part;
    }

    std::size_t remaining() const noexcept { return bytes_.size() - position_; }

private:
    std::span<const unsigned char> bytes_;
    std::size_t position_ = 0;
};

std::size_t window_length(std::uint32_t piece_size, std::uint64_t needle_length) {
    return static_cast<std::size_t>(std::min<std::uint64_t>(piece_size, needle_length));
}

} // namespace

fingerprints new_fingerprints() {
    fingerprints set;
    randombytes_buf(set.key.data(), set.key.size());
    return set;
}

std::size_t add_needle(fingerprints& set, std::span<const unsigned char> needle,
                       std::size_t stride) {
    if (needle.size() < fingerprint_min_needle_size) {
        throw crypto_error(errc::invalid_argument, "a fingerprinted needle must be at least 16 bytes");
    }
    if (stride == 0) {
        throw crypto_error(errc::invalid_argument, "the fingerprint stride must not be 0");
    }

    needle_fingerprints result;
    result.length = needle.size();
    const std::size_t length = window_length(set.piece_size, needle.size());
    const std::size_t last = needle.size() - length;
    for (std::size_t offset = 0; offset <= last; offset += stride) {
        result.pieces.push_back({offset, siphash(set.key, needle.subspan(offset, length))});
    }
    if (result.pieces.back().offset != last) {
        result.pieces.push_back({last, siphash(set.key, needle.subspan(last, length))});
    }

    set.needles.push_back(std::move(result));
    return set.needles.size() - 1;
}

std::vector<unsigned char> encode_fingerprints(const fingerprints& set) {
    std::vector<unsigned char> out(set.key.begin(), set.key.end());
    put_be(out, set.piece_size, 4);
    put_be(out, set.needles.size(), 4);
    for (const needle_fingerprints& needle : set.needles) {
        put_be(out, needle.length, 8);
        put_be(out, needle.pieces.size(), 4);
        for (const piece_fingerprint& piece : needle.pieces) {
            put_be(out, piece.offset, 8);
            put_be(out, piece.value, 8);
        }
    }
    return out;
}

std::optional<fingerprints> decode_fingerprints(std::span<const unsigned char> encoded) {
    be_reader reader(encoded);
    fingerprints set;

    const auto key = reader.take(fingerprint_key_size);
    const auto piece_size = reader.read(4);
    const auto needle_count = reader.read(4);
    if (key.size() != fingerprint_key_size || !piece_size || !needle_count ||
        *piece_size < fingerprint_min_needle_size) {
        return std::nullopt;
    }
    std::copy(key.begin(), key.end(), set.key.begin());
    set.piece_size = static_cast<std::uint32_t>(*piece_size);

    for (std::uint64_t n = 0; n < *needle_count; ++n) {
        const auto length = reader.read(8);
        const auto piece_count = reader.read(4);
        // Each piece takes 16 bytes, so a count larger than what is left is damage, and
        // checking it first keeps a forged count from reserving huge vectors.
        if (!length || !piece_count || *length < fingerprint_min_needle_size ||
            *piece_count > reader.remaining() / 16) {
            return std::nullopt;
        }
        needle_fingerprints needle;
        needle.length = *length;
        const std::uint64_t span = window_length(set.piece_size, needle.length);
        for (std::uint64_t p = 0; p < *piece_count; ++p) {
            const auto offset = reader.read(8);
            const auto value = reader.read(8);
            if (!offset || !value || *offset > needle.length - span) {
                return std::nullopt;
            }
            needle.pieces.push_back({*offset, *value});
        }
        set.needles.push_back(std::move(needle));
    }

    if (reader.remaining() != 0) {
        return std::nullopt;
    }
    return set;
}

fingerprint_set::fingerprint_set(const fingerprints& set)
    : key_(set.key), needle_count_(set.needles.size()) {
    for (std::size_t n = 0; n < set.needles.size(); ++n) {
        const needle_fingerprints& needle = set.needles[n];
        const std::size_t length = window_length(set.piece_size, needle.length);
        max_match_length_ = std::max(max_match_length_, length);
        auto& map = by_length_[length];
        for (const piece_fingerprint& stored : needle.pieces) {
            map.emplace(stored.value, piece{n, static_cast<std::size_t>(stored.offset)});
        }
    }
}

void fingerprint_set::find_all(std::span<const unsigned char> haystack,
                               const std::function<void(const needle_match&)>& on_match) const {
    for (const auto& [length, map] : by_length_) {
        if (haystack.size() < length) {
            continue;
        }
        for (std::size_t offset = 0; offset + length <= haystack.size(); ++offset) {
            const std::uint64_t value = siphash(key_, haystack.subspan(offset, length));
            auto [first, end] = map.equal_range(value);
            for (auto it = first; it != end; ++it) {
                on_match({it->second.needle, offset, it->second.needle_offset, length});
            }
        }
    }
}

} // namespace skrynka::crypto
