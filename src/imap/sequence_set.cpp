#include "src/imap/sequence_set.hpp"

#include <algorithm>

namespace skrynka::imap {

namespace {

// Parses a seq-number: nz-number or '*'.
std::optional<std::uint32_t> parse_number(std::string_view text) {
    if (text == "*") {
        return sequence_set::star;
    }
    if (text.empty() || text.size() > 10 || text.front() == '0') {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xffffffffu) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace

std::optional<sequence_set> sequence_set::parse(std::string_view text) {
    sequence_set set;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        const std::size_t colon = item.find(':');
        const auto first = parse_number(item.substr(0, colon));
        if (!first) {
            return std::nullopt;
        }
        range parsed{*first, *first};
        if (colon != std::string_view::npos) {
            const auto last = parse_number(item.substr(colon + 1));
            if (!last) {
                return std::nullopt;
            }
            parsed.last = *last;
        }
        set.ranges_.push_back(parsed);
        if (comma == std::string_view::npos) {
            return set;
        }
        text.remove_prefix(comma + 1);
    }
}

bool sequence_set::contains(std::uint32_t value, std::uint32_t star_value) const {
    for (const range& item : ranges_) {
        const std::uint32_t first = item.first == star ? star_value : item.first;
        const std::uint32_t last = item.last == star ? star_value : item.last;
        if (value >= std::min(first, last) && value <= std::max(first, last)) {
            return true;
        }
    }
    return false;
}

} // namespace skrynka::imap
