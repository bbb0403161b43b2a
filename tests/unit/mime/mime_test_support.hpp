// Helpers shared by the MIME parser tests: fixture loading and byte-range slicing.
#pragma once

#include "src/mime/summary.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skrynka::mime::test {

// Reads a fixture written by tests/data/mime/make_fixtures.py.
inline std::string read_fixture(const std::string& name) {
    const std::string path = std::string(SKRYNKA_MIME_TEST_DATA) + "/" + name;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw std::runtime_error("fixture not found: " + path +
                                 " (run tests/data/mime/make_fixtures.py)");
    }
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

inline std::string_view header_of(std::string_view raw, const body_part& part) {
    return raw.substr(part.header_offset_, part.header_length_);
}

inline std::string_view body_of(std::string_view raw, const body_part& part) {
    return raw.substr(part.body_offset_, part.body_length_);
}

} // namespace skrynka::mime::test
