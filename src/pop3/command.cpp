// POP3 command line parser; see command.hpp.
#include "src/pop3/command.hpp"

#include <array>
#include <utility>

namespace skrynka::pop3 {

namespace {

constexpr std::array<std::pair<std::string_view, verb>, 15> keywords{{
    {"USER", verb::user},
    {"PASS", verb::pass},
    {"APOP", verb::apop},
    {"AUTH", verb::auth},
    {"CAPA", verb::capa},
    {"STLS", verb::stls},
    {"QUIT", verb::quit},
    {"STAT", verb::stat},
    {"LIST", verb::list},
    {"RETR", verb::retr},
    {"DELE", verb::dele},
    {"NOOP", verb::noop},
    {"RSET", verb::rset},
    {"TOP", verb::top},
    {"UIDL", verb::uidl},
}};

bool equals_ignoring_case(std::string_view text, std::string_view upper) {
    if (text.size() != upper.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        if (c != upper[i]) {
            return false;
        }
    }
    return true;
}

verb find_verb(std::string_view keyword) {
    for (const auto& [text, name] : keywords) {
        if (equals_ignoring_case(keyword, text)) {
            return name;
        }
    }
    return verb::unknown;
}

std::string_view trim_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1);
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    return text;
}

// Takes the next space-separated word off the front of text.
std::string_view take_word(std::string_view& text) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space);
    text = trim_spaces(text);
    return word;
}

} // namespace

command parse_command(std::string_view line) {
    command result;
    std::string_view rest = line;
    while (!rest.empty() && rest.front() == ' ') {
        rest.remove_prefix(1);
    }
    if (trim_spaces(rest).empty()) {
        result.error = command_error::empty;
        return result;
    }

    const std::size_t space = rest.find(' ');
    result.name = find_verb(rest.substr(0, space));
    if (result.name == verb::unknown) {
        result.error = command_error::unknown_command;
        return result;
    }
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);

    if (result.name == verb::pass) {
        // The password is everything after "PASS ", spaces included, so a password may
        // begin or end with a space.
        if (!rest.empty()) {
            result.arguments.push_back(rest);
        }
    } else {
        rest = trim_spaces(rest);
        while (!rest.empty()) {
            result.arguments.push_back(take_word(rest));
        }
    }

    for (std::size_t i = 0; i < result.arguments.size(); ++i) {
        const bool initial_response = result.name == verb::auth && i == 1;
        if (!initial_response && result.arguments[i].size() > argument_size_max) {
            result.error = command_error::argument_too_long;
            result.arguments.clear();
            return result;
        }
    }
    return result;
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 10) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xFFFFFFFFu) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace skrynka::pop3
