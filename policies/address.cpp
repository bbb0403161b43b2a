#include "policies/address.hpp"

namespace skrynka::policies {

namespace {

class address_error_category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "address"; }

    std::string message(int value) const override {
        switch (static_cast<address_error>(value)) {
        case address_error::empty:
            return "the address is empty";
        case address_error::space_or_control:
            return "the address contains a space or a control character";
        case address_error::missing_at:
            return "the address has no '@'";
        case address_error::empty_local_part:
            return "the local part (before '@') is empty";
        case address_error::empty_domain:
            return "the domain (after '@') is empty";
        case address_error::local_part_too_long:
            return "the local part is longer than 64 octets";
        case address_error::domain_too_long:
            return "the domain is longer than 255 octets";
        case address_error::address_too_long:
            return "the address is longer than 254 octets";
        case address_error::quoted_local_part:
            return "quoted local parts are not supported";
        case address_error::invalid_local_part:
            return "the local part is not a dot-atom: only letters, digits, dots and "
                   "!#$%&'*+-/=?^_`{|}~ are allowed, and dots may not lead, trail or repeat";
        case address_error::invalid_domain:
            return "the domain is not a host name: labels of 1 to 63 letters, digits and "
                   "inner hyphens, separated by single dots";
        }
        return "invalid address";
    }
};

bool is_space_or_control(unsigned char c) noexcept {
    return c <= 0x20 || c == 0x7F;
}

bool is_letter_or_digit(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// atext of RFC 5322 section 3.2.3.
bool is_atext(unsigned char c) noexcept {
    if (is_letter_or_digit(c)) {
        return true;
    }
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_dot_atom(std::string_view text) noexcept {
    bool previous_was_dot = true; // a leading dot is as invalid as a doubled one
    for (unsigned char c : text) {
        if (c == '.') {
            if (previous_was_dot) {
                return false;
            }
            previous_was_dot = true;
        } else if (is_atext(c)) {
            previous_was_dot = false;
        } else {
            return false;
        }
    }
    return !previous_was_dot;
}

bool is_label(std::string_view label) noexcept {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
    }
    for (unsigned char c : label) {
        if (!is_letter_or_digit(c) && c != '-') {
            return false;
        }
    }
    return true;
}

std::string to_lower_ascii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

bool contains_space_or_control(std::string_view text) noexcept {
    for (unsigned char c : text) {
        if (is_space_or_control(c)) {
            return true;
        }
    }
    return false;
}

} // namespace

std::string address::text() const {
    return local_part + "@" + domain;
}

const std::error_category& address_category() noexcept {
    static const address_error_category category;
    return category;
}

std::error_code make_error_code(address_error error) noexcept {
    return {static_cast<int>(error), address_category()};
}

std::optional<std::string> parse_domain(std::string_view text, std::error_code& error) {
    error.clear();
    if (text.empty()) {
        error = address_error::empty_domain;
        return std::nullopt;
    }
    if (contains_space_or_control(text)) {
        error = address_error::space_or_control;
        return std::nullopt;
    }
    if (text.size() > max_domain_length) {
        error = address_error::domain_too_long;
        return std::nullopt;
    }

    std::string_view rest = text;
    while (true) {
        std::size_t dot = rest.find('.');
        if (!is_label(rest.substr(0, dot))) {
            error = address_error::invalid_domain;
            return std::nullopt;
        }
        if (dot == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(dot + 1);
    }
    return to_lower_ascii(text);
}

std::optional<address> parse_address(std::string_view text, std::error_code& error) {
    error.clear();
    if (text.empty()) {
        error = address_error::empty;
        return std::nullopt;
    }
    if (contains_space_or_control(text)) {
        error = address_error::space_or_control;
        return std::nullopt;
    }
    if (text.size() > max_address_length) {
        error = address_error::address_too_long;
        return std::nullopt;
    }

    // A dot-atom cannot contain '@', so the last one separates local part and domain.
    // Any '@' left in the local part then fails the dot-atom check.
    std::size_t at = text.rfind('@');
    if (at == std::string_view::npos) {
        error = address_error::missing_at;
        return std::nullopt;
    }
    std::string_view local_part = text.substr(0, at);
    std::string_view domain = text.substr(at + 1);

    if (local_part.empty()) {
        error = address_error::empty_local_part;
        return std::nullopt;
    }
    if (local_part.size() > max_local_part_length) {
        error = address_error::local_part_too_long;
        return std::nullopt;
    }
    if (local_part.front() == '"') {
        error = address_error::quoted_local_part;
        return std::nullopt;
    }
    if (!is_dot_atom(local_part)) {
        error = address_error::invalid_local_part;
        return std::nullopt;
    }

    std::optional<std::string> canonical_domain = parse_domain(domain, error);
    if (!canonical_domain) {
        return std::nullopt;
    }
    return address{to_lower_ascii(local_part), std::move(*canonical_domain)};
}

} // namespace skrynka::policies
