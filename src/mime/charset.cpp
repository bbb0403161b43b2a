// Charset to UTF-8 conversion. Single-byte and legacy charsets go through glibc iconv,
// which ships conversion tables for every charset that mail uses in practice.
#include "src/mime/charset.hpp"

#include "src/mime/text.hpp"

#include <cerrno>
#include <cstdint>
#include <iconv.h>

namespace skrynka::mime {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// Returns the length of the valid UTF-8 sequence at the start of bytes, or 0.
std::size_t valid_sequence_length(std::string_view bytes) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
    const std::uint8_t lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }

    std::size_t length = 0;
    std::uint32_t minimum = 0;
    std::uint32_t code_point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        minimum = 0x80;
        code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        minimum = 0x800;
        code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        minimum = 0x10000;
        code_point = lead & 0x07;
    } else {
        return 0;
    }
    if (bytes.size() < length) {
        return 0;
    }

    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i) & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < minimum || code_point > 0x10FFFF || surrogate) {
        return 0;
    }
    return length;
}

// A charset name that is safe to hand to iconv_open: a short token without the
// "//" suffixes that change iconv's behaviour.
bool is_plain_charset_name(std::string_view name) {
    if (name.empty() || name.size() > 40) {
        return false;
    }
    for (const char c : name) {
        const bool allowed = is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

bool convert_with_iconv(const std::string& charset, std::string_view bytes, std::string& out) {
    iconv_t descriptor = iconv_open("UTF-8", charset.c_str());
    if (descriptor == reinterpret_cast<iconv_t>(-1)) {
        return false;
    }

    std::string converted;
    char* input = const_cast<char*>(bytes.data());
    std::size_t input_left = bytes.size();
    char buffer[1024];
    while (input_left > 0) {
        char* output = buffer;
        std::size_t output_left = sizeof buffer;
        const std::size_t result = iconv(descriptor, &input, &input_left, &output, &output_left);
        converted.append(buffer, static_cast<std::size_t>(output - buffer));
        if (result != static_cast<std::size_t>(-1)) {
            continue;
        }
        if (errno == E2BIG) {
            continue;
        }
        // EILSEQ (a byte the charset does not define) or EINVAL (a sequence cut off at
        // the end): replace one byte and resynchronise after it.
        converted.append(replacement_character);
        ++input;
        --input_left;
        iconv(descriptor, nullptr, nullptr, nullptr, nullptr);
    }

    // Flush any shift state (ISO-2022 and similar stateful charsets).
    char* output = buffer;
    std::size_t output_left = sizeof buffer;
    iconv(descriptor, nullptr, nullptr, &output, &output_left);
    converted.append(buffer, static_cast<std::size_t>(output - buffer));
    iconv_close(descriptor);

    // iconv output is UTF-8 already; validating again guards against a converter that
    // passes bytes through.
    append_valid_utf8(converted, out);
    return true;
}

} // namespace

void append_valid_utf8(std::string_view bytes, std::string& out) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const std::size_t length = valid_sequence_length(bytes.substr(i));
        if (length == 0) {
            out.append(replacement_character);
            ++i;
            continue;
        }
        out.append(bytes.substr(i, length));
        i += length;
    }
}

bool append_as_utf8(std::string_view charset, std::string_view bytes, std::string& out) {
    if (!is_plain_charset_name(charset)) {
        return false;
    }
    const std::string name = to_lower(charset);
    if (name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii") {
        append_valid_utf8(bytes, out);
        return true;
    }
    return convert_with_iconv(name, bytes, out);
}

} // namespace skrynka::mime
