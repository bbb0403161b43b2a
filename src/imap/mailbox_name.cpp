// Modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII stands for itself, '&' is
// written "&-", and everything else is UTF-16BE in base64 with ',' for '/', between
// '&' and '-', without padding.
#include "src/imap/mailbox_name.hpp"

#include <cstdint>
#include <vector>

namespace skrynka::imap {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_value(char c) {
    const std::size_t position = alphabet.find(c);
    return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

bool is_printable(std::uint32_t c) {
    return c >= 0x20 && c <= 0x7e;
}

void append_utf8(std::uint32_t code_point, std::string& out) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xc0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xe0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    }
}

// Reads one code point from UTF-8 text at position, advancing it. Invalid, overlong
// and surrogate sequences give U+FFFD and consume one octet.
std::uint32_t next_code_point(std::string_view text, std::size_t& position) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(position);
    if (lead < 0x80) {
        ++position;
        return lead;
    }
    std::size_t length = 0;
    std::uint32_t value = 0;
    std::uint32_t minimum = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2, value = lead & 0x1f, minimum = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3, value = lead & 0x0f, minimum = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4, value = lead & 0x07, minimum = 0x10000;
    } else {
        ++position;
        return 0xfffd;
    }
    if (position + length > text.size()) {
        ++position;
        return 0xfffd;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(position + i) & 0xc0) != 0x80) {
            ++position;
            return 0xfffd;
        }
        value = (value << 6) | (byte(position + i) & 0x3f);
    }
    if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
        ++position;
        return 0xfffd;
    }
    position += length;
    return value;
}

// Decodes the base64 between '&' and '-' into UTF-8. Returns false for anything that
// is not the canonical encoding of at least one non-printable character.
bool decode_shifted(std::string_view encoded, std::string& out) {
    std::vector<std::uint16_t> units;
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const char c : encoded) {
        const int value = base64_value(c);
        if (value < 0) {
            return false;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 16) {
            bit_count -= 16;
            units.push_back(static_cast<std::uint16_t>(bits >> bit_count));
            bits &= (1u << bit_count) - 1;
        }
    }
    // Leftover bits are padding: fewer than 6 of them, all zero.
    if (units.empty() || bit_count >= 6 || bits != 0) {
        return false;
    }

    for (std::size_t i = 0; i < units.size(); ++i) {
        std::uint32_t code_point = units[i];
        if (code_point >= 0xd800 && code_point <= 0xdbff) {
            if (i + 1 == units.size() || units[i + 1] < 0xdc00 || units[i + 1] > 0xdfff) {
                return false;
            }
            code_point = 0x10000 + ((code_point - 0xd800) << 10) + (units[i + 1] - 0xdc00);
            ++i;
        } else if (code_point >= 0xdc00 && code_point <= 0xdfff) {
            return false;
        }
        // A printable character must be written as itself.
        if (is_printable(code_point)) {
            return false;
        }
        append_utf8(code_point, out);
    }
    return true;
}

void flush_shifted(std::vector<std::uint16_t>& units, std::string& out) {
    if (units.empty()) {
        return;
    }
    out += '&';
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const std::uint16_t unit : units) {
        bits = (bits << 16) | unit;
        bit_count += 16;
        while (bit_count >= 6) {
            bit_count -= 6;
            out += alphabet[(bits >> bit_count) & 0x3f];
        }
        bits &= (1u << bit_count) - 1;
    }
    if (bit_count > 0) {
        out += alphabet[(bits << (6 - bit_count)) & 0x3f];
    }
    out += '-';
    units.clear();
}

} // namespace

std::optional<std::string> decode_mailbox_name(std::string_view wire) {
    std::string out;
    bool previous_was_shift = false;
    std::size_t position = 0;
    while (position < wire.size()) {
        const char c = wire[position];
        if (!is_printable(static_cast<unsigned char>(c))) {
            return std::nullopt;
        }
        if (c != '&') {
            out += c;
            previous_was_shift = false;
            ++position;
            continue;
        }

        const std::size_t end = wire.find('-', position + 1);
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        const std::string_view encoded = wire.substr(position + 1, end - position - 1);
        if (encoded.empty()) {
            out += '&';
            previous_was_shift = false;
        } else {
            // Two adjacent shifts would have been written as one.
            if (previous_was_shift || !decode_shifted(encoded, out)) {
                return std::nullopt;
            }
            previous_was_shift = true;
        }
        position = end + 1;
    }
    return out;
}

std::string encode_mailbox_name(std::string_view utf8) {
    std::string out;
    std::vector<std::uint16_t> units;
    std::size_t position = 0;
    while (position < utf8.size()) {
        const std::uint32_t code_point = next_code_point(utf8, position);
        if (is_printable(code_point)) {
            flush_shifted(units, out);
            out += static_cast<char>(code_point);
            if (code_point == '&') {
                out += '-';
            }
        } else if (code_point >= 0x10000) {
            const std::uint32_t offset = code_point - 0x10000;
            units.push_back(static_cast<std::uint16_t>(0xd800 + (offset >> 10)));
            units.push_back(static_cast<std::uint16_t>(0xdc00 + (offset & 0x3ff)));
        } else {
            units.push_back(static_cast<std::uint16_t>(code_point));
        }
    }
    flush_shifted(units, out);
    return out;
}

} // namespace skrynka::imap
