#include "policies/password_policy.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace skrynka::policies {

namespace {

// Passwords that top every public leak ranking, plus the obvious ones for this product.
// The list is short on purpose: it stops the worst choices, and the length rule does the
// rest. Entries are lowercase; the comparison ignores ASCII case.
// NOTE: a short built-in list, not a breach corpus. A real deny list (hundreds of
// thousands of entries) would need a file shipped with the binary.
constexpr std::array<std::string_view, 60> common_passwords{
    "123456",     "12345678",   "123456789",     "1234567890",  "12345678910",
    "0123456789", "11111111",   "00000000",      "88888888",    "87654321",
    "password",   "password1",  "password12",    "password123", "password!",
    "passw0rd",   "p@ssw0rd",   "p@ssword",      "qwerty",      "qwerty12",
    "qwerty123",  "qwertyuiop", "qwerty12345",   "asdfghjkl",   "asdfasdf",
    "zxcvbnm1",   "1q2w3e4r",   "1q2w3e4r5t",    "1qaz2wsx",    "zaq12wsx",
    "abc12345",   "abcd1234",   "abcdefgh",      "iloveyou",    "iloveyou1",
    "sunshine",   "princess",   "football",      "baseball",    "superman",
    "starwars",   "trustno1",   "letmein1",      "letmein123",  "welcome1",
    "welcome123", "admin123",   "administrator", "changeme",    "changeme123",
    "whatever",   "dragon123",  "monkey123",     "master123",   "michael1",
    "secret123",  "mailserver", "postmaster",    "skrynka123",  "correcthorsebatterystaple",
};

unsigned char lower_ascii(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::span<const unsigned char> bytes, std::string_view text) noexcept {
    if (bytes.size() != text.size()) {
        return false;
    }
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (lower_ascii(bytes[i]) != lower_ascii(static_cast<unsigned char>(text[i]))) {
            return false;
        }
    }
    return true;
}

bool contains_ignoring_case(std::span<const unsigned char> bytes, std::string_view text) noexcept {
    auto matches = [](unsigned char left, char right) {
        return lower_ascii(left) == lower_ascii(static_cast<unsigned char>(right));
    };
    return std::search(bytes.begin(), bytes.end(), text.begin(), text.end(), matches) !=
           bytes.end();
}

// Counts code points by skipping UTF-8 continuation bytes (10xxxxxx). Malformed input
// still gets a count, which is all a length rule needs.
std::size_t count_characters(std::span<const unsigned char> bytes) noexcept {
    return static_cast<std::size_t>(std::count_if(
        bytes.begin(), bytes.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

bool repeats_one_character(std::span<const unsigned char> bytes) noexcept {
    // Compare whole characters, so a password of one repeated non-ASCII letter counts
    // too: the byte sequence is then periodic with the length of its first character.
    std::size_t first_length = 1;
    while (first_length < bytes.size() && (bytes[first_length] & 0xC0) == 0x80) {
        ++first_length;
    }
    if (bytes.size() % first_length != 0) {
        return false;
    }
    for (std::size_t i = first_length; i < bytes.size(); ++i) {
        if (bytes[i] != bytes[i % first_length]) {
            return false;
        }
    }
    return true;
}

} // namespace

password_rules password_rules::from_limits(const limit_values& limits) {
    return password_rules{static_cast<std::size_t>(limits.password_min_length),
                          static_cast<std::size_t>(limits.password_max_length)};
}

password_problem check_password(std::span<const unsigned char> password,
                                std::string_view local_part, const password_rules& rules) {
    if (password.empty()) {
        return password_problem::empty;
    }
    if (password.size() > rules.max_length) {
        return password_problem::too_long;
    }
    if (count_characters(password) < rules.min_length) {
        return password_problem::too_short;
    }
    if (repeats_one_character(password)) {
        return password_problem::one_character;
    }

    for (std::string_view common : common_passwords) {
        if (equal_ignoring_case(password, common)) {
            return password_problem::common;
        }
    }

    if (local_part.size() >= 3 && contains_ignoring_case(password, local_part)) {
        return password_problem::contains_local_part;
    }
    return password_problem::none;
}

std::string describe_password_problem(password_problem problem, const password_rules& rules) {
    switch (problem) {
    case password_problem::none:
        return "the password is acceptable";
    case password_problem::empty:
        return "the password is empty";
    case password_problem::too_short:
        return fmt::format("the password is shorter than {} characters", rules.min_length);
    case password_problem::too_long:
        return fmt::format("the password is longer than {} bytes", rules.max_length);
    case password_problem::one_character:
        return "the password repeats a single character";
    case password_problem::common:
        return "the password is on the list of most common passwords";
    case password_problem::contains_local_part:
        return "the password contains the address's local part";
    }
    return "the password is rejected";
}

} // namespace skrynka::policies
