// Small ASCII text helpers shared by the MIME parsers. They never depend on the locale,
// because header syntax is ASCII whatever the C library thinks the user's language is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skrynka::mime {

constexpr bool is_ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_ascii_alnum(char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c);
}

// Folding whitespace inside an unfolded value: space, tab, and stray CR or LF.
constexpr bool is_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

constexpr char to_lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline std::string to_lower(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered) {
        c = to_lower_ascii(c);
    }
    return lowered;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) {
            return false;
        }
    }
    return true;
}

constexpr std::string_view trim(std::string_view text) {
    while (!text.empty() && is_whitespace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_whitespace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// Returns the value of a hexadecimal digit, or -1.
constexpr int hex_value(char c) {
    if (is_ascii_digit(c)) {
        return c - '0';
    }
    const char lower = to_lower_ascii(c);
    if (lower >= 'a' && lower <= 'f') {
        return lower - 'a' + 10;
    }
    return -1;
}

// Counts lines the way the summary reports them: one per line feed, plus one for a
// last line that has no line feed.
// NOTE: RFC 3501 does not define whether an unterminated last line counts.
inline std::uint64_t count_lines(std::string_view text) {
    std::uint64_t lines = 0;
    for (const char c : text) {
        if (c == '\n') {
            ++lines;
        }
    }
    if (!text.empty() && text.back() != '\n') {
        ++lines;
    }
    return lines;
}

} // namespace skrynka::mime
