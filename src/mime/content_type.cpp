// Content-Type and Content-Disposition parsing with RFC 2231 reassembly. Linear apart
// from one sort of the parameters, so a field full of parameters costs n log n.
#include "src/mime/content_type.hpp"

#include "src/mime/charset.hpp"
#include "src/mime/text.hpp"

#include <algorithm>
#include <cstddef>

namespace skrynka::mime {
namespace {

// RFC 2045 section 5.1: token := 1*<any US-ASCII CHAR except SPACE, CTLs, or tspecials>.
bool is_token_char(char c) {
    const std::string_view tspecials = "()<>@,;:\\\"/[]?=";
    return c > ' ' && c < 0x7F && tspecials.find(c) == std::string_view::npos;
}

class cursor {
  public:
    explicit cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return position_ >= text_.size(); }
    char peek() const { return text_[position_]; }
    void advance() { ++position_; }

    // Skips whitespace and (possibly nested) comments.
    void skip_blanks() {
        while (!at_end()) {
            if (is_whitespace(peek())) {
                advance();
                continue;
            }
            if (peek() != '(') {
                return;
            }
            std::size_t depth = 0;
            while (!at_end()) {
                const char c = peek();
                advance();
                if (c == '\\' && !at_end()) {
                    advance();
                } else if (c == '(') {
                    ++depth;
                } else if (c == ')' && --depth == 0) {
                    break;
                }
            }
        }
    }

    std::string_view read_token() {
        const std::size_t begin = position_;
        while (!at_end() && is_token_char(peek())) {
            advance();
        }
        return text_.substr(begin, position_ - begin);
    }

    std::string read_quoted() {
        std::string value;
        advance(); // the opening quote
        while (!at_end()) {
            const char c = peek();
            advance();
            if (c == '"') {
                break;
            }
            if (c == '\\' && !at_end()) {
                value.push_back(peek());
                advance();
                continue;
            }
            if (c != '\r' && c != '\n') {
                value.push_back(c);
            }
        }
        return value;
    }

    std::string_view read_until_semicolon() {
        const std::size_t begin = position_;
        while (!at_end() && peek() != ';') {
            advance();
        }
        return trim(text_.substr(begin, position_ - begin));
    }

    std::string_view rest() const {
        return at_end() ? std::string_view{} : text_.substr(position_);
    }

  private:
    std::string_view text_;
    std::size_t position_ = 0;
};

// One "name*section*=value" as written, before RFC 2231 reassembly.
struct raw_parameter {
    std::string base;      // lowercase name without the RFC 2231 suffix
    long section = -1;     // -1 when the name has no section number
    bool extended = false; // the name ends in "*": charset and %XX escapes apply
    bool rfc2231 = false;  // the name had any "*" suffix
    std::string value;
    std::size_t order = 0; // position in the field, to keep the header order
};

raw_parameter split_name(std::string_view name, std::string value, std::size_t order) {
    raw_parameter raw{to_lower(name), -1, false, false, std::move(value), order};
    const std::size_t star = name.find('*');
    if (star == std::string_view::npos) {
        return raw;
    }

    // After the star: "" ("name*"), "N" ("name*N") or "N*" ("name*N*").
    std::string_view suffix = name.substr(star + 1);
    bool extended = suffix.empty();
    long section = -1;
    if (!suffix.empty()) {
        if (suffix.back() == '*') {
            extended = true;
            suffix.remove_suffix(1);
        }
        const bool digits = std::all_of(suffix.begin(), suffix.end(), is_ascii_digit);
        if (suffix.empty() || suffix.size() > 4 || !digits) {
            return raw; // not RFC 2231: keep the name as written
        }
        section = std::stol(std::string(suffix));
    }

    raw.base = to_lower(name.substr(0, star));
    raw.section = section;
    raw.extended = extended;
    raw.rfc2231 = true;
    return raw;
}

void append_percent_decoded(std::string_view text, std::string& out) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
            continue;
        }
        out.push_back(text[i]);
    }
}

// Joins the RFC 2231 sections of one parameter, given sorted by section number.
std::string assemble(const std::vector<const raw_parameter*>& sections) {
    std::string charset;
    std::string octets;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const raw_parameter& section = *sections[i];
        std::string_view value = section.value;
        if (i == 0 && section.extended) {
            // charset'language'value (RFC 2231 section 4); both tags may be empty.
            const std::size_t first = value.find('\'');
            const std::size_t second =
                first == std::string_view::npos ? first : value.find('\'', first + 1);
            if (second != std::string_view::npos) {
                charset = std::string(value.substr(0, first));
                value = value.substr(second + 1);
            }
        }
        if (section.extended) {
            append_percent_decoded(value, octets);
        } else {
            octets.append(value);
        }
    }

    std::string converted;
    if (!charset.empty() && append_as_utf8(charset, octets, converted)) {
        return converted;
    }
    return octets;
}

std::vector<parameter> reassemble(std::vector<raw_parameter> raws) {
    // Sort by name, then RFC 2231 form before plain, then section, then position.
    std::sort(raws.begin(), raws.end(), [](const raw_parameter& a, const raw_parameter& b) {
        if (a.base != b.base) {
            return a.base < b.base;
        }
        if (a.rfc2231 != b.rfc2231) {
            return a.rfc2231;
        }
        if (a.section != b.section) {
            return a.section < b.section;
        }
        return a.order < b.order;
    });

    struct ordered {
        std::size_t order;
        parameter value;
    };
    std::vector<ordered> assembled;
    std::size_t i = 0;
    while (i < raws.size()) {
        std::size_t end = i;
        std::size_t first_order = raws[i].order;
        while (end < raws.size() && raws[end].base == raws[i].base) {
            first_order = std::min(first_order, raws[end].order);
            ++end;
        }

        std::string value;
        if (raws[i].rfc2231) {
            std::vector<const raw_parameter*> sections;
            for (std::size_t k = i; k < end && raws[k].rfc2231; ++k) {
                const bool duplicate =
                    !sections.empty() && sections.back()->section == raws[k].section;
                if (!duplicate) {
                    sections.push_back(&raws[k]);
                }
            }
            value = assemble(sections);
        } else {
            value = raws[i].value;
        }
        assembled.push_back(ordered{first_order, parameter{raws[i].base, std::move(value)}});
        i = end;
    }

    std::sort(assembled.begin(), assembled.end(),
              [](const ordered& a, const ordered& b) { return a.order < b.order; });
    std::vector<parameter> parameters;
    parameters.reserve(assembled.size());
    for (ordered& entry : assembled) {
        parameters.push_back(std::move(entry.value));
    }
    return parameters;
}

} // namespace

std::vector<parameter> parse_parameters(std::string_view text) {
    cursor input(text);
    std::vector<raw_parameter> raws;

    while (true) {
        input.skip_blanks();
        if (input.at_end()) {
            break;
        }
        if (input.peek() != ';') {
            input.read_until_semicolon(); // junk between parameters
            continue;
        }
        input.advance();
        input.skip_blanks();

        const std::string_view name = input.read_token();
        input.skip_blanks();
        if (name.empty() || input.at_end() || input.peek() != '=') {
            input.read_until_semicolon();
            continue;
        }
        input.advance();
        input.skip_blanks();

        std::string value;
        if (!input.at_end() && input.peek() == '"') {
            value = input.read_quoted();
        } else {
            value = std::string(input.read_until_semicolon());
        }
        raws.push_back(split_name(name, std::move(value), raws.size()));
    }
    return reassemble(std::move(raws));
}

std::optional<content_type> parse_content_type(std::string_view value) {
    cursor input(value);
    input.skip_blanks();
    const std::string_view type = input.read_token();
    input.skip_blanks();
    if (type.empty() || input.at_end() || input.peek() != '/') {
        return std::nullopt;
    }
    input.advance();
    input.skip_blanks();
    const std::string_view subtype = input.read_token();
    if (subtype.empty()) {
        return std::nullopt;
    }
    return content_type{to_lower(type), to_lower(subtype), parse_parameters(input.rest())};
}

content_disposition parse_content_disposition(std::string_view value) {
    cursor input(value);
    input.skip_blanks();
    const std::string_view type = input.read_token();
    return content_disposition{to_lower(type), parse_parameters(input.rest())};
}

} // namespace skrynka::mime
