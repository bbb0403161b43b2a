// Envelope address syntax of RFC 5321 §4.1.2 with RFC 6531 §3.3 UTF-8; see address.hpp.
#include "src/smtp/address.hpp"

#include <arpa/inet.h>
#include <array>
#include <cstdint>

namespace skrynka::smtp {

namespace {

constexpr std::size_t local_part_max = 64; // RFC 5321 §4.5.3.1.1
constexpr std::size_t domain_max = 255;    // RFC 5321 §4.5.3.1.2
constexpr std::size_t path_max = 256;      // RFC 5321 §4.5.3.1.3
constexpr std::size_t label_max = 63;      // RFC 1035 §2.3.4

bool is_alpha(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

// atext of RFC 5322 §3.2.3.
bool is_atext(unsigned char c) {
    if (is_alpha(c) || is_digit(c)) {
        return true;
    }
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

// Length of the well-formed UTF-8 sequence (RFC 3629) at the start of `text` that
// encodes a non-ASCII character, or 0.
std::size_t utf8_sequence_size(std::string_view text) {
    if (text.empty()) {
        return 0;
    }

    // Lead octet: sequence length and the payload bits it carries.
    const auto c0 = static_cast<unsigned char>(text[0]);
    std::size_t size = 0;
    std::uint32_t code = 0;
    if (c0 >= 0xC2 && c0 <= 0xDF) {
        size = 2;
        code = c0 & 0x1F;
    } else if (c0 >= 0xE0 && c0 <= 0xEF) {
        size = 3;
        code = c0 & 0x0F;
    } else if (c0 >= 0xF0 && c0 <= 0xF4) {
        size = 4;
        code = c0 & 0x07;
    } else {
        return 0;
    }
    if (text.size() < size) {
        return 0;
    }

    // Continuation octets: 10xxxxxx each.
    for (std::size_t i = 1; i < size; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (c & 0x3F);
    }

    // Reject overlong forms, surrogates and values past U+10FFFF.
    const bool overlong = (size == 3 && code < 0x800) || (size == 4 && code < 0x10000);
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    if (overlong || surrogate || code > 0x10FFFF) {
        return 0;
    }
    return size;
}

class cursor {
  public:
    explicit cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ >= text_.size(); }
    unsigned char peek() const { return at_end() ? 0 : static_cast<unsigned char>(text_[pos_]); }
    bool consume(char c) {
        if (!at_end() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    std::size_t position() const { return pos_; }
    std::string_view remaining() const { return text_.substr(pos_); }
    std::string_view slice(std::size_t from) const { return text_.substr(from, pos_ - from); }
    void advance(std::size_t n) { pos_ += n; }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

// Consumes one UTF-8 encoded non-ASCII character; sets `utf8` when it does.
bool consume_utf8(cursor& in, bool& utf8) {
    const std::size_t size = utf8_sequence_size(in.remaining());
    if (size == 0) {
        return false;
    }
    in.advance(size);
    utf8 = true;
    return true;
}

// Dot-string = Atom *("." Atom), atext extended with UTF8-non-ascii (RFC 6531 §3.3).
bool parse_dot_string(cursor& in, bool& utf8) {
    bool need_atom = true;
    while (true) {
        std::size_t atom_size = 0;
        while (!in.at_end()) {
            if (is_atext(in.peek())) {
                in.advance(1);
            } else if (!consume_utf8(in, utf8)) {
                break;
            }
            ++atom_size;
        }
        if (atom_size == 0 && need_atom) {
            return false;
        }
        if (!in.consume('.')) {
            return true;
        }
        need_atom = true;
    }
}

// Quoted-string = DQUOTE *QcontentSMTP DQUOTE (RFC 5321 §4.1.2), qtextSMTP extended
// with UTF8-non-ascii (RFC 6531 §3.3).
bool parse_quoted_string(cursor& in, bool& utf8) {
    if (!in.consume('"')) {
        return false;
    }
    while (!in.at_end()) {
        const unsigned char c = in.peek();
        if (c == '"') {
            in.advance(1);
            return true;
        }
        if (c == '\\') {
            in.advance(1);
            const unsigned char escaped = in.peek();
            if (in.at_end() || escaped < 32 || escaped > 126) {
                return false;
            }
            in.advance(1);
        } else if (c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126)) {
            in.advance(1);
        } else if (!consume_utf8(in, utf8)) {
            return false;
        }
    }
    return false;
}

// sub-domain = Let-dig [Ldh-str] (RFC 5321 §4.1.2); with SMTPUTF8 a U-label, which we
// accept as any well-formed UTF-8 in place of a letter or digit.
bool parse_domain(cursor& in, bool& utf8) {
    while (true) {
        const std::size_t label_start = in.position();
        bool last_was_hyphen = false;
        while (!in.at_end()) {
            const unsigned char c = in.peek();
            if (is_alpha(c) || is_digit(c)) {
                in.advance(1);
                last_was_hyphen = false;
            } else if (c == '-' && in.position() != label_start) {
                in.advance(1);
                last_was_hyphen = true;
            } else if (consume_utf8(in, utf8)) {
                last_was_hyphen = false;
            } else {
                break;
            }
        }
        const std::size_t label_size = in.position() - label_start;
        if (label_size == 0 || label_size > label_max || last_was_hyphen) {
            return false;
        }
        if (!in.consume('.')) {
            return true;
        }
    }
}

// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]". The
// General-address-literal form is rejected because no standardized tag is registered.
bool parse_address_literal(cursor& in) {
    if (!in.consume('[')) {
        return false;
    }
    const std::size_t start = in.position();
    while (!in.at_end() && in.peek() != ']') {
        in.advance(1);
    }
    const std::string_view inner = in.slice(start);
    if (!in.consume(']') || inner.size() > 64) {
        return false;
    }

    std::array<char, 65> buffer{};
    std::array<unsigned char, 16> binary{};
    constexpr std::string_view ipv6_tag = "IPv6:";
    if (inner.size() > ipv6_tag.size() && inner.substr(0, ipv6_tag.size()) == ipv6_tag) {
        const std::string_view address = inner.substr(ipv6_tag.size());
        address.copy(buffer.data(), address.size());
        return inet_pton(AF_INET6, buffer.data(), binary.data()) == 1;
    }
    inner.copy(buffer.data(), inner.size());
    // inet_pton accepts only the dotted-quad form with decimal octets 0 to 255.
    return inet_pton(AF_INET, buffer.data(), binary.data()) == 1;
}

bool parse_domain_or_literal(cursor& in, bool& utf8) {
    if (in.peek() == '[') {
        return parse_address_literal(in);
    }
    return parse_domain(in, utf8);
}

// A-d-l = At-domain *( "," At-domain ) ":" with At-domain = "@" Domain.
bool skip_source_route(cursor& in, bool& utf8) {
    do {
        if (!in.consume('@') || !parse_domain(in, utf8)) {
            return false;
        }
    } while (in.consume(','));
    return in.consume(':');
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string mailbox::text() const {
    if (domain.empty()) {
        return local_part;
    }
    return local_part + "@" + domain;
}

path_result parse_path(std::string_view text, bool allow_null, bool allow_postmaster) {
    path_result result;
    cursor in(text);
    if (!in.consume('<')) {
        result.error = path_error::syntax;
        return result;
    }

    if (in.consume('>')) {
        result.error = allow_null ? path_error::none : path_error::syntax;
        result.rest = in.remaining();
        return result;
    }

    constexpr std::string_view postmaster = "postmaster>";
    if (allow_postmaster &&
        equals_ignoring_case(in.remaining().substr(0, postmaster.size()), postmaster)) {
        result.value.address =
            mailbox{std::string(in.remaining().substr(0, postmaster.size() - 1)), ""};
        in.advance(postmaster.size());
        result.rest = in.remaining();
        return result;
    }

    bool utf8 = false;
    if (in.peek() == '@' && !skip_source_route(in, utf8)) {
        result.error = path_error::syntax;
        return result;
    }
    utf8 = false; // a UTF-8 source route is dropped and never used

    const std::size_t local_start = in.position();
    const bool local_ok =
        in.peek() == '"' ? parse_quoted_string(in, utf8) : parse_dot_string(in, utf8);
    const std::string_view local_part = in.slice(local_start);
    if (!local_ok || !in.consume('@')) {
        result.error = path_error::syntax;
        return result;
    }

    const std::size_t domain_start = in.position();
    if (!parse_domain_or_literal(in, utf8)) {
        result.error = path_error::syntax;
        return result;
    }
    const std::string_view domain = in.slice(domain_start);
    if (!in.consume('>')) {
        result.error = path_error::syntax;
        return result;
    }

    if (local_part.size() > local_part_max || domain.size() > domain_max ||
        local_part.size() + domain.size() + 3 > path_max) {
        result.error = path_error::too_long;
        return result;
    }

    result.value.address = mailbox{std::string(local_part), std::string(domain)};
    result.value.utf8 = utf8;
    result.rest = in.remaining();
    return result;
}

bool is_valid_helo_argument(std::string_view text) {
    if (text.empty() || text.size() > domain_max) {
        return false;
    }
    cursor in(text);
    bool utf8 = false;
    return parse_domain_or_literal(in, utf8) && in.at_end();
}

} // namespace skrynka::smtp
