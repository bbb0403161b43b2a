#include "src/imap/argument_parser.hpp"

#include "src/imap/command_reader.hpp"

namespace skrynka::imap {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

} // namespace

bool is_atom_char(char c) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet <= 0x1f || octet >= 0x7f) {
        return false;
    }
    switch (c) {
    case '(':
    case ')':
    case '{':
    case ' ':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']':
        return false;
    default:
        return true;
    }
}

bool argument_parser::consume(char c) {
    if (peek(c)) {
        rest_.remove_prefix(1);
        return true;
    }
    return false;
}

bool argument_parser::keyword(std::string_view word) {
    if (rest_.size() < word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (lower(rest_[i]) != lower(word[i])) {
            return false;
        }
    }
    // "BODY" must not match the start of "BODYSTRUCTURE"; '.' and '[' end fetch words.
    if (rest_.size() > word.size()) {
        const char next = rest_[word.size()];
        if (is_atom_char(next) && next != '.' && next != '[' && next != '<') {
            return false;
        }
    }
    rest_.remove_prefix(word.size());
    return true;
}

std::optional<std::string_view> argument_parser::tag() {
    std::size_t length = 0;
    while (length < rest_.size() && rest_[length] != '+' &&
           (is_atom_char(rest_[length]) || rest_[length] == ']')) {
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    const std::string_view value = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::string_view> argument_parser::atom() {
    std::size_t length = 0;
    while (length < rest_.size() && is_atom_char(rest_[length])) {
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    const std::string_view value = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::string_view> argument_parser::astring_atom() {
    std::size_t length = 0;
    while (length < rest_.size() && (is_atom_char(rest_[length]) || rest_[length] == ']')) {
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    const std::string_view value = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::string_view> argument_parser::literal() {
    std::string_view text = rest_;
    if (!text.empty() && text.front() == '~') {
        text.remove_prefix(1); // literal8 (RFC 3516), accepted for APPEND UTF8
    }
    if (text.empty() || text.front() != '{') {
        return std::nullopt;
    }
    const std::size_t line_end = text.find("\r\n");
    if (line_end == std::string_view::npos) {
        return std::nullopt;
    }
    const literal_marker marker = find_literal_marker(text.substr(0, line_end));
    if (marker.kind != literal_marker::kind::valid ||
        text.substr(0, line_end).find('{', 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t start = line_end + 2;
    if (text.size() - start < marker.size) {
        return std::nullopt;
    }
    const std::string_view value = text.substr(start, static_cast<std::size_t>(marker.size));
    rest_ = text.substr(start + static_cast<std::size_t>(marker.size));
    return value;
}

std::optional<std::string> argument_parser::string() {
    if (!peek('"')) {
        if (const auto value = literal()) {
            return std::string(*value);
        }
        return std::nullopt;
    }
    std::string value;
    for (std::size_t i = 1; i < rest_.size(); ++i) {
        const char c = rest_[i];
        if (c == '"') {
            rest_.remove_prefix(i + 1);
            return value;
        }
        if (c == '\r' || c == '\n' || c == '\0') {
            return std::nullopt;
        }
        if (c == '\\') {
            if (i + 1 == rest_.size() || (rest_[i + 1] != '"' && rest_[i + 1] != '\\')) {
                return std::nullopt;
            }
            ++i;
        }
        value += rest_[i];
    }
    return std::nullopt;
}

std::optional<std::string> argument_parser::astring() {
    if (peek('"') || peek('{') || peek('~')) {
        return string();
    }
    if (const auto value = astring_atom()) {
        return std::string(*value);
    }
    return std::nullopt;
}

std::optional<std::string> argument_parser::list_mailbox() {
    if (peek('"') || peek('{')) {
        return string();
    }
    std::size_t length = 0;
    while (length < rest_.size() && (is_atom_char(rest_[length]) || rest_[length] == '%' ||
                                     rest_[length] == '*' || rest_[length] == ']')) {
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    std::string value(rest_.substr(0, length));
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::uint64_t> argument_parser::number(int bits) {
    std::size_t length = 0;
    std::uint64_t value = 0;
    const std::uint64_t maximum = bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    while (length < rest_.size() && rest_[length] >= '0' && rest_[length] <= '9') {
        const auto digit = static_cast<std::uint64_t>(rest_[length] - '0');
        if (value > (maximum - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::string_view> argument_parser::sequence_text() {
    std::size_t length = 0;
    while (length < rest_.size() &&
           ((rest_[length] >= '0' && rest_[length] <= '9') || rest_[length] == ',' ||
            rest_[length] == ':' || rest_[length] == '*')) {
        ++length;
    }
    if (length == 0) {
        return std::nullopt;
    }
    const std::string_view value = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return value;
}

std::optional<std::string_view> argument_parser::flag(bool allow_star) {
    if (peek('\\')) {
        if (allow_star && rest_.substr(0, 2) == "\\*") {
            const std::string_view value = rest_.substr(0, 2);
            rest_.remove_prefix(2);
            return value;
        }
        std::size_t length = 1;
        while (length < rest_.size() && is_atom_char(rest_[length])) {
            ++length;
        }
        if (length == 1) {
            return std::nullopt;
        }
        const std::string_view value = rest_.substr(0, length);
        rest_.remove_prefix(length);
        return value;
    }
    return atom();
}

} // namespace skrynka::imap
