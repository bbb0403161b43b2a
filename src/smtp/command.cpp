// SMTP command line parser; see command.hpp for the RFC sections it implements.
#include "src/smtp/command.hpp"

#include <array>
#include <utility>

namespace skrynka::smtp {

namespace {

char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_upper(a[i]) != to_upper(b[i])) {
            return false;
        }
    }
    return true;
}

bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 octets which RFC 6531 §3.3 allows.
bool is_valid_esmtp_value(std::string_view value) {
    if (value.empty()) {
        return false;
    }
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 33 || c == '=' || c == 127) {
            return false;
        }
    }
    return true;
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_valid_esmtp_keyword(std::string_view keyword) {
    if (keyword.empty() || !is_alnum(keyword.front())) {
        return false;
    }
    for (const char c : keyword) {
        if (!is_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

// Parses " param *(SP param)" after a path. Returns nothing on bad syntax or when a
// keyword repeats.
std::optional<std::vector<esmtp_parameter>> parse_parameters(std::string_view text) {
    std::vector<esmtp_parameter> parameters;
    while (!text.empty()) {
        if (text.front() != ' ') {
            return std::nullopt;
        }
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
        }
        if (text.empty()) {
            break; // trailing spaces, which many clients send
        }
        const std::size_t end = std::min(text.find(' '), text.size());
        const std::string_view token = text.substr(0, end);
        text.remove_prefix(end);

        esmtp_parameter parameter;
        const std::size_t equals = token.find('=');
        const std::string_view keyword = token.substr(0, equals);
        if (!is_valid_esmtp_keyword(keyword)) {
            return std::nullopt;
        }
        for (const char c : keyword) {
            parameter.keyword.push_back(to_upper(c));
        }
        if (equals != std::string_view::npos) {
            const std::string_view value = token.substr(equals + 1);
            if (!is_valid_esmtp_value(value)) {
                return std::nullopt;
            }
            parameter.value = std::string(value);
        }
        for (const auto& existing : parameters) {
            if (existing.keyword == parameter.keyword) {
                return std::nullopt;
            }
        }
        parameters.push_back(std::move(parameter));
    }
    return parameters;
}

path_arguments parse_path_arguments(std::string_view argument, std::string_view prefix,
                                    bool is_mail) {
    path_arguments result;
    if (argument.size() < prefix.size() ||
        !equals_ignoring_case(argument.substr(0, prefix.size()), prefix)) {
        result.error = argument_error::syntax;
        return result;
    }
    argument.remove_prefix(prefix.size());
    // RFC 5321 §4.1.2 has no space after the colon, but widely used clients send one;
    // accepting it changes nothing about what the path may contain.
    while (!argument.empty() && argument.front() == ' ') {
        argument.remove_prefix(1);
    }

    const path_result parsed = parse_path(argument, is_mail, !is_mail);
    if (parsed.error == path_error::syntax) {
        result.error = argument_error::path_syntax;
        return result;
    }
    if (parsed.error == path_error::too_long) {
        result.error = argument_error::path_too_long;
        return result;
    }
    result.address = parsed.value;

    auto parameters = parse_parameters(parsed.rest);
    if (!parameters) {
        result.error = argument_error::parameter_syntax;
        return result;
    }
    result.parameters = std::move(*parameters);
    return result;
}

} // namespace

command_line split_command(std::string_view line) {
    static constexpr std::array<std::pair<std::string_view, verb>, 14> verbs{{
        {"EHLO", verb::ehlo},
        {"HELO", verb::helo},
        {"MAIL", verb::mail},
        {"RCPT", verb::rcpt},
        {"DATA", verb::data},
        {"BDAT", verb::bdat},
        {"RSET", verb::rset},
        {"NOOP", verb::noop},
        {"QUIT", verb::quit},
        {"HELP", verb::help},
        {"VRFY", verb::vrfy},
        {"EXPN", verb::expn},
        {"STARTTLS", verb::starttls},
        {"AUTH", verb::auth},
    }};

    // Trailing spaces carry no meaning in any command, and some clients send them.
    while (!line.empty() && line.back() == ' ') {
        line.remove_suffix(1);
    }

    command_line result;
    const std::size_t space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    if (space != std::string_view::npos) {
        result.argument = line.substr(space + 1);
    }
    for (const auto& [name, value] : verbs) {
        if (equals_ignoring_case(word, name)) {
            result.name = value;
            break;
        }
    }
    return result;
}

path_arguments parse_mail_arguments(std::string_view argument) {
    return parse_path_arguments(argument, "FROM:", true);
}

path_arguments parse_rcpt_arguments(std::string_view argument) {
    return parse_path_arguments(argument, "TO:", false);
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || text.size() > 20) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

bdat_arguments parse_bdat_arguments(std::string_view argument) {
    // bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ], end-marker = "LAST"
    bdat_arguments result;
    const std::size_t space = argument.find(' ');
    const auto size = parse_decimal(argument.substr(0, space));
    if (!size) {
        return result;
    }
    result.size = *size;
    if (space != std::string_view::npos) {
        if (!equals_ignoring_case(argument.substr(space + 1), "LAST")) {
            return result;
        }
        result.last = true;
    }
    result.valid = true;
    return result;
}

bool is_valid_auth_argument(std::string_view argument) {
    const std::size_t space = argument.find(' ');
    const std::string_view mechanism = argument.substr(0, space);
    if (mechanism.empty() || mechanism.size() > 20) {
        return false;
    }
    for (const char c : mechanism) {
        const char upper = to_upper(c);
        if (!((upper >= 'A' && upper <= 'Z') || (upper >= '0' && upper <= '9') || upper == '-' ||
              upper == '_')) {
            return false;
        }
    }
    return true;
}

} // namespace skrynka::smtp
