#include "src/admin/request_parsing.hpp"

#include <charconv>

namespace skrynka::app::admin {

namespace {

std::optional<unsigned char> hex_value(char digit) {
    if (digit >= '0' && digit <= '9') {
        return static_cast<unsigned char>(digit - '0');
    }
    if (digit >= 'a' && digit <= 'f') {
        return static_cast<unsigned char>(digit - 'a' + 10);
    }
    if (digit >= 'A' && digit <= 'F') {
        return static_cast<unsigned char>(digit - 'A' + 10);
    }
    return std::nullopt;
}

bool is_control(unsigned char octet) {
    return octet < 0x20 || octet == 0x7f;
}

// Percent-decodes text. plus_is_space applies to form encoding only, because a '+' in a
// path is a literal plus (an address such as "user+tag@example.org").
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char octet = static_cast<unsigned char>(text[i]);
        if (octet == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const auto high = hex_value(text[i + 1]);
            const auto low = hex_value(text[i + 2]);
            if (!high || !low) {
                return std::nullopt;
            }
            octet = static_cast<unsigned char>(*high * 16 + *low);
            i += 2;
        } else if (octet == '+' && plus_is_space) {
            octet = ' ';
        }
        if (is_control(octet)) {
            return std::nullopt;
        }
        decoded.push_back(static_cast<char>(octet));
    }
    return decoded;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
    std::size_t i = 0;
    while (i < token.size()) {
        const char c = token[i];
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                             c == '~' || c == '+' || c == '/';
        if (!allowed) {
            break;
        }
        ++i;
    }
    if (i == 0) {
        return false;
    }
    while (i < token.size() && token[i] == '=') {
        ++i;
    }
    return i == token.size();
}

// Parses a q value ("0.8", "1", "0"); returns nullopt when malformed.
std::optional<double> parse_weight(std::string_view text) {
    if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) {
        return std::nullopt;
    }
    double value = text[0] - '0';
    if (text.size() == 1) {
        return value;
    }
    if (text[1] != '.') {
        return std::nullopt;
    }
    double scale = 0.1;
    for (std::size_t i = 2; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value += (text[i] - '0') * scale;
        scale /= 10;
    }
    return value > 1.0 ? std::nullopt : std::optional<double>(value);
}

std::optional<language> language_of_range(std::string_view range) {
    const std::string_view primary = range.substr(0, range.find('-'));
    if (iequals_ascii(primary, "uk")) {
        return language::ukrainian;
    }
    if (iequals_ascii(primary, "en")) {
        return language::english;
    }
    return std::nullopt;
}

} // namespace

std::optional<parameters> parse_form(std::string_view text) {
    parameters result;
    while (!text.empty()) {
        const std::size_t end = text.find('&');
        const std::string_view pair = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (pair.empty()) {
            continue;
        }
        if (result.size() == parameters_max) {
            return std::nullopt;
        }
        const std::size_t equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
        if (!name || !value) {
            return std::nullopt;
        }
        result.emplace_back(std::move(*name), std::move(*value));
    }
    return result;
}

std::optional<request_target> parse_target(std::string_view target) {
    if (target.empty() || target.front() != '/') {
        return std::nullopt;
    }
    const std::size_t question = target.find('?');
    std::string_view path = target.substr(0, question);

    request_target result;
    if (question != std::string_view::npos) {
        auto query = parse_form(target.substr(question + 1));
        if (!query) {
            return std::nullopt;
        }
        result.query = std::move(*query);
    }

    path.remove_prefix(1);
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        auto segment = percent_decode(path.substr(0, slash), false);
        if (!segment || segment->find('/') != std::string::npos) {
            return std::nullopt;
        }
        result.segments.push_back(std::move(*segment));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    }
    return result;
}

std::optional<std::string_view> find_parameter(const parameters& list, std::string_view name) {
    for (const auto& [key, value] : list) {
        if (key == name) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    authorization = trim(authorization);
    const std::size_t space = authorization.find(' ');
    if (space == std::string_view::npos ||
        !iequals_ascii(authorization.substr(0, space), "Bearer")) {
        return std::nullopt;
    }
    const std::string_view token = trim(authorization.substr(space + 1));
    if (!is_b64token(token)) {
        return std::nullopt;
    }
    return token;
}

std::optional<std::string_view> cookie_value(std::string_view cookie_header,
                                             std::string_view name) {
    while (!cookie_header.empty()) {
        const std::size_t end = cookie_header.find(';');
        const std::string_view pair = trim(cookie_header.substr(0, end));
        cookie_header =
            end == std::string_view::npos ? std::string_view{} : cookie_header.substr(end + 1);
        const std::size_t equals = pair.find('=');
        if (equals == std::string_view::npos || pair.substr(0, equals) != name) {
            continue;
        }
        std::string_view value = pair.substr(equals + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        return value;
    }
    return std::nullopt;
}

language choose_language(std::optional<std::string_view> explicit_choice,
                         std::string_view accept_language) {
    if (explicit_choice) {
        if (auto chosen = language_of_range(*explicit_choice)) {
            return *chosen;
        }
    }

    std::optional<language> best;
    double best_weight = 0.0;
    while (!accept_language.empty()) {
        const std::size_t end = accept_language.find(',');
        std::string_view item = trim(accept_language.substr(0, end));
        accept_language =
            end == std::string_view::npos ? std::string_view{} : accept_language.substr(end + 1);

        double weight = 1.0;
        const std::size_t semicolon = item.find(';');
        if (semicolon != std::string_view::npos) {
            const std::string_view parameter = trim(item.substr(semicolon + 1));
            item = trim(item.substr(0, semicolon));
            if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') ||
                parameter[1] != '=') {
                continue;
            }
            const auto parsed = parse_weight(parameter.substr(2));
            if (!parsed) {
                continue;
            }
            weight = *parsed;
        }
        const auto candidate = language_of_range(item);
        // A weight of 0 means "not acceptable" (RFC 9110 section 12.4.2).
        if (candidate && weight > best_weight) {
            best = candidate;
            best_weight = weight;
        }
    }
    return best.value_or(language::english);
}

std::string_view language_code(language value) noexcept {
    return value == language::ukrainian ? "uk" : "en";
}

} // namespace skrynka::app::admin
