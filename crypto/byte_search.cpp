#include "crypto/byte_search.hpp"

#include "crypto/error.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>

namespace skrynka::crypto {
namespace {

// A Rabin-Karp polynomial hash modulo 2^64. Collisions only cost a memcmp, because every
// hash hit is compared byte by byte before it is reported.
constexpr std::uint64_t hash_base = 1099511628211ULL;

std::uint64_t hash_window(const unsigned char* bytes, std::size_t length) {
    std::uint64_t hash = 0;
    for (std::size_t i = 0; i < length; ++i) {
        hash = hash * hash_base + bytes[i];
    }
    return hash;
}

} // namespace

needle_set::needle_set(std::vector<std::vector<unsigned char>> needles, std::size_t piece_size)
    : needles_(std::move(needles)), piece_size_(piece_size) {
    if (piece_size_ < min_piece_size) {
        throw crypto_error(errc::invalid_argument,
                           "piece size must be at least " + std::to_string(min_piece_size));
    }
    for (std::size_t i = 0; i < piece_size_; ++i) {
        base_power_ *= hash_base;
    }

    for (std::size_t index = 0; index < needles_.size(); ++index) {
        const auto& needle = needles_[index];
        if (needle.empty()) {
            throw crypto_error(errc::invalid_argument,
                               "needle " + std::to_string(index) + " is empty");
        }
        if (needle.size() <= piece_size_) {
            whole_needles_.push_back(index);
            max_match_length_ = std::max(max_match_length_, needle.size());
            continue;
        }

        max_match_length_ = std::max(max_match_length_, piece_size_);
        for (std::size_t offset = 0; offset + piece_size_ <= needle.size(); offset += piece_size_) {
            pieces_.emplace(hash_window(needle.data() + offset, piece_size_), piece{index, offset});
        }
        if (needle.size() % piece_size_ != 0) {
            std::size_t last = needle.size() - piece_size_;
            pieces_.emplace(hash_window(needle.data() + last, piece_size_), piece{index, last});
        }
    }
}

void needle_set::find_all(std::span<const unsigned char> haystack,
                          const std::function<void(const needle_match&)>& on_match) const {
    find_whole_needles(haystack, on_match);
    find_pieces(haystack, on_match);
}

void needle_set::find_whole_needles(
    std::span<const unsigned char> haystack,
    const std::function<void(const needle_match&)>& on_match) const {
    for (std::size_t index : whole_needles_) {
        const auto& needle = needles_[index];
        std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
        auto from = haystack.begin();
        while (true) {
            auto [begin, end] = searcher(from, haystack.end());
            if (begin == end) {
                break;
            }
            std::size_t offset = static_cast<std::size_t>(begin - haystack.begin());
            on_match({index, offset, 0, needle.size()});
            from = begin + 1;
        }
    }
}

void needle_set::find_pieces(std::span<const unsigned char> haystack,
                             const std::function<void(const needle_match&)>& on_match) const {
    if (pieces_.empty() || haystack.size() < piece_size_) {
        return;
    }

    std::uint64_t hash = hash_window(haystack.data(), piece_size_);
    for (std::size_t offset = 0;; ++offset) {
        auto [first, last] = pieces_.equal_range(hash);
        for (auto it = first; it != last; ++it) {
            const piece& candidate = it->second;
            const unsigned char* expected = needles_[candidate.needle].data() + candidate.needle_offset;
            if (std::memcmp(haystack.data() + offset, expected, piece_size_) == 0) {
                on_match({candidate.needle, offset, candidate.needle_offset, piece_size_});
            }
        }

        if (offset + piece_size_ >= haystack.size()) {
            break;
        }
        hash = hash * hash_base + haystack[offset + piece_size_] - base_power_ * haystack[offset];
    }
}

} // namespace skrynka::crypto
