// Internal to the crypto module: fixed-width little-endian integers in byte buffers,
// used by the key slot encoding and by associated data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace skrynka::crypto::detail {

inline void append_u64_le(std::vector<unsigned char>& out, std::uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) {
        out.push_back(static_cast<unsigned char>(value >> shift));
    }
}

// Reads the first 8 bytes. The caller checks that bytes has at least 8.
inline std::uint64_t load_u64_le(std::span<const unsigned char> bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        value |= std::uint64_t{bytes[i]} << (8 * i);
    }
    return value;
}

// Grows with resize() and copies with memcpy because GCC 12 reports false
// -Wstringop-overflow and -Warray-bounds warnings for vector::insert here.
inline void append_bytes(std::vector<unsigned char>& out, std::span<const unsigned char> bytes) {
    if (bytes.empty()) {
        return;
    }
    std::size_t old_size = out.size();
    out.resize(old_size + bytes.size());
    std::memcpy(out.data() + old_size, bytes.data(), bytes.size());
}

} // namespace skrynka::crypto::detail
