// Helpers shared by the crypto unit tests.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace skrynka::crypto::testing {

inline std::vector<unsigned char> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

// Returns size bytes of a fixed pattern, so that a misplaced byte shows in a comparison.
inline std::vector<unsigned char> pattern(std::size_t size) {
    std::vector<unsigned char> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<unsigned char>((i * 31 + i / 251) & 0xff);
    }
    return bytes;
}

} // namespace skrynka::crypto::testing
