// RFC 2047 decoding. The parser accepts what real mail contains: lowercase "b" and "q",
// words not separated by whitespace from surrounding text, sloppy base64 padding.
// It stays strict where leniency would cost time. A word never spans whitespace, and
// the searches for its end are cached, so hostile input cannot make it quadratic.
#include "src/mime/encoded_word.hpp"

#include "src/mime/charset.hpp"
#include "src/mime/text.hpp"

#include <optional>

namespace skrynka::mime {
namespace {

// RFC 2047 limits a whole word to 75 octets; charsets in the wild stay well below this.
constexpr std::size_t max_charset_length = 64;

struct encoded_word {
    std::size_t end = 0; // one past the closing "?="
    std::string_view charset;
    char encoding = 'q';
    std::string_view encoded_text;
};

class word_scanner {
  public:
    explicit word_scanner(std::string_view text) : text_(text) {}

    // Matches an encoded word at position start, which contains "=?". Calls must come with
    // increasing start positions, because the end searches are cached.
    std::optional<encoded_word> match(std::size_t start) {
        std::size_t i = start + 2;
        const std::size_t charset_begin = i;
        while (i < text_.size() && text_[i] != '?' && is_charset_char(text_[i])) {
            ++i;
        }
        const std::size_t charset_length = i - charset_begin;
        if (i + 2 >= text_.size() || text_[i] != '?' || charset_length == 0 ||
            charset_length > max_charset_length) {
            return std::nullopt;
        }
        const char encoding = to_lower_ascii(text_[i + 1]);
        if ((encoding != 'b' && encoding != 'q') || text_[i + 2] != '?') {
            return std::nullopt;
        }

        // The cached searches start right after "=?", which grows monotonically across
        // calls. The charset has no whitespace in it, but "?=" can close the encoding
        // marker itself ("=?x?q?=..."), and only then is a fresh search needed.
        const std::size_t text_begin = i + 3;
        std::size_t terminator = next_terminator(start + 2);
        if (terminator != std::string_view::npos && terminator < text_begin) {
            terminator = text_.find("?=", text_begin);
        }
        if (terminator == std::string_view::npos || next_whitespace(start + 2) < terminator) {
            return std::nullopt;
        }

        std::string_view charset = text_.substr(charset_begin, charset_length);
        // RFC 2231 section 5: "charset*language".
        charset = charset.substr(0, charset.find('*'));
        if (charset.empty()) {
            return std::nullopt;
        }
        return encoded_word{terminator + 2, charset, encoding,
                            text_.substr(text_begin, terminator - text_begin)};
    }

  private:
    static bool is_charset_char(char c) {
        return c > ' ' && c < 0x7F && c != '(' && c != ')' && c != '"' && c != '=';
    }

    std::size_t next_terminator(std::size_t from) {
        if (!terminator_known_ || terminator_ < from) {
            terminator_ = text_.find("?=", from);
            terminator_known_ = true;
        }
        return terminator_;
    }

    std::size_t next_whitespace(std::size_t from) {
        if (!whitespace_known_ || whitespace_ < from) {
            whitespace_ = text_.find_first_of(" \t\r\n", from);
            whitespace_known_ = true;
        }
        return whitespace_;
    }

    std::string_view text_;
    std::size_t terminator_ = 0;
    bool terminator_known_ = false;
    std::size_t whitespace_ = 0;
    bool whitespace_known_ = false;
};

void append_q_decoded(std::string_view encoded, std::string& out) {
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '_') {
            out.push_back(' ');
            continue;
        }
        if (c == '=' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 &&
            hex_value(encoded[i + 2]) >= 0) {
            out.push_back(
                static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2])));
            i += 2;
            continue;
        }
        out.push_back(c);
    }
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (is_ascii_digit(c)) {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

// Decodes base64, skipping characters outside the alphabet and ignoring padding, as
// most mail readers do with the broken padding some senders produce.
void append_b_decoded(std::string_view encoded, std::string& out) {
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const char c : encoded) {
        const int value = base64_value(c);
        if (value < 0) {
            continue;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
        }
    }
}

bool is_all_whitespace(std::string_view text) {
    for (const char c : text) {
        if (!is_whitespace(c)) {
            return false;
        }
    }
    return true;
}

// A run of adjacent encoded words in one charset, waiting to be converted together.
struct pending_words {
    bool active = false;
    std::string_view charset;
    std::string bytes;
    std::size_t raw_begin = 0;
    std::size_t raw_end = 0;
};

void flush(std::string_view text, pending_words& pending, std::string& out) {
    if (!pending.active) {
        return;
    }
    if (!append_as_utf8(pending.charset, pending.bytes, out)) {
        append_valid_utf8(text.substr(pending.raw_begin, pending.raw_end - pending.raw_begin), out);
    }
    pending = pending_words{};
}

} // namespace

std::string decode_encoded_words(std::string_view text) {
    std::string out;
    word_scanner scanner(text);
    pending_words pending;
    std::size_t plain_begin = 0; // start of text not yet copied to out
    std::size_t search_from = 0;

    while (true) {
        const std::size_t start = text.find("=?", search_from);
        if (start == std::string_view::npos) {
            break;
        }
        const std::optional<encoded_word> word = scanner.match(start);
        if (!word) {
            search_from = start + 1;
            continue;
        }

        std::string decoded;
        if (word->encoding == 'b') {
            append_b_decoded(word->encoded_text, decoded);
        } else {
            append_q_decoded(word->encoded_text, decoded);
        }

        const std::string_view gap = text.substr(plain_begin, start - plain_begin);
        const bool adjacent = pending.active && is_all_whitespace(gap);
        if (adjacent && iequals(pending.charset, word->charset)) {
            pending.bytes += decoded;
            pending.raw_end = word->end;
        } else {
            flush(text, pending, out);
            if (!adjacent) {
                append_valid_utf8(gap, out);
            }
            pending.active = true;
            pending.charset = word->charset;
            pending.bytes = std::move(decoded);
            pending.raw_begin = start;
            pending.raw_end = word->end;
        }
        plain_begin = word->end;
        search_from = word->end;
    }

    flush(text, pending, out);
    append_valid_utf8(text.substr(plain_begin), out);
    return out;
}

} // namespace skrynka::mime
