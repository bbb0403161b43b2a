// Search of one buffer for many byte strings at once, for proving that stored bytes
// are gone.
//
// A needle up to piece_size bytes long is searched whole. A longer needle is searched
// as pieces of exactly piece_size bytes that start at offsets 0, piece_size,
// 2 * piece_size and so on, plus one last piece that ends at the needle's end. Any
// contiguous run of at least 2 * piece_size - 1 bytes of such a needle contains a whole
// piece. So a surviving run of that length is found even when the rest of the needle is
// gone or lies elsewhere. This matters because SQLite splits a long value over overflow
// pages, and a search runs over one page at a time.
//
// NOTE: a surviving run shorter than 2 * piece_size - 1 bytes of a long needle may go
// unnoticed, and a caller that reports absence must state that bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t default_piece_size = 32;
// A shorter piece of a structured needle could also occur in unrelated data.
inline constexpr std::size_t min_piece_size = 16;

struct needle_match {
    // Index of the needle in the needle_set.
    std::size_t needle = 0;
    // Offset of the matched bytes in the searched buffer.
    std::size_t offset = 0;
    // Offset of the matched bytes within the needle: 0 for a needle searched whole.
    std::size_t needle_offset = 0;
    std::size_t length = 0;
};

// Something that finds needles in a buffer: the needles themselves (needle_set) or
// keyed fingerprints of their pieces (fingerprint_set). absence_scan takes either.
class byte_matcher {
public:
    virtual ~byte_matcher() = default;

    // Number of needles; needle_match::needle is below it.
    virtual std::size_t size() const noexcept = 0;

    // Length of the longest pattern searched: a match never spans more bytes than this.
    virtual std::size_t max_match_length() const noexcept = 0;

    // Calls on_match for every occurrence in haystack, in no particular order.
    virtual void find_all(std::span<const unsigned char> haystack,
                          const std::function<void(const needle_match&)>& on_match) const = 0;
};

// An immutable set of needles, prepared for searching. Thread-safe for concurrent
// find_all calls.
class needle_set : public byte_matcher {
public:
    // Throws crypto_error(invalid_argument) when a needle is empty or piece_size is below
    // min_piece_size.
    explicit needle_set(std::vector<std::vector<unsigned char>> needles,
                        std::size_t piece_size = default_piece_size);

    std::size_t size() const noexcept override { return needles_.size(); }
    const std::vector<unsigned char>& needle(std::size_t index) const { return needles_[index]; }

    // Length of the longest pattern searched: a match never spans more bytes than this.
    std::size_t max_match_length() const noexcept override { return max_match_length_; }

    // Calls on_match for every occurrence of a whole short needle or of a piece of a
    // long one in haystack, in no particular order. Overlapping occurrences are all
    // reported.
    void find_all(std::span<const unsigned char> haystack,
                  const std::function<void(const needle_match&)>& on_match) const override;

private:
    struct piece {
        std::size_t needle;
        std::size_t needle_offset;
    };

    void find_whole_needles(std::span<const unsigned char> haystack,
                            const std::function<void(const needle_match&)>& on_match) const;
    void find_pieces(std::span<const unsigned char> haystack,
                     const std::function<void(const needle_match&)>& on_match) const;

    std::vector<std::vector<unsigned char>> needles_;
    std::size_t piece_size_;
    std::size_t max_match_length_ = 0;
    std::vector<std::size_t> whole_needles_;
    // Rolling hash of each piece to the pieces with that hash.
    std::unordered_multimap<std::uint64_t, piece> pieces_;
    // The hash base raised to piece_size, to drop the outgoing byte when rolling.
    std::uint64_t base_power_ = 1;
};

} // namespace skrynka::crypto
