// Pure functions over the parts of an admin HTTP request (RFC 9110, RFC 9112): the
// request target with its query, form bodies, the Authorization and Cookie header
// fields and Accept-Language. They take bytes and return values, so they are unit-tested
// without sockets. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skrynka::app::admin {

// Maximum parameters in one query string or form body; more is a malformed request.
inline constexpr std::size_t parameters_max = 32;

using parameters = std::vector<std::pair<std::string, std::string>>;

// A request target in origin form (RFC 9112 section 3.2.1), percent-decoded.
struct request_target {
    // The decoded path segments: "/api/accounts/a%40b" gives {"api", "accounts", "a@b"}.
    // "/" gives no segment.
    std::vector<std::string> segments;
    parameters query;
};

// Decodes application/x-www-form-urlencoded text, as a query string or a form body: '&'
// separates pairs, '=' name from value, '+' is a space, %XX an octet. Returns nullopt
// for a bad escape, a decoded control character (below 0x20 or 0x7f), or more than
// parameters_max pairs. Empty pairs ("a=1&&b=2") are skipped.
std::optional<parameters> parse_form(std::string_view text);

// Parses a target that starts with '/'. Returns nullopt for the absolute and asterisk
// forms, a bad escape, a control character, or a decoded '/' inside a segment, so a
// segment never changes meaning after decoding.
std::optional<request_target> parse_target(std::string_view target);

// Returns the first value of name, or nullopt.
std::optional<std::string_view> find_parameter(const parameters& list, std::string_view name);

// Returns the credentials of "Bearer TOKEN" (the scheme compared case-insensitively,
// RFC 6750 section 2.1), or nullopt for another scheme or a malformed token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Returns the value of the cookie called name in a Cookie header field (RFC 6265
// section 5.4), or nullopt.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

enum class language { english, ukrainian };

// Picks the language of the review page: an explicit choice ("uk" or "en", from the
// query or a cookie) first, then the Accept-Language range with the highest weight
// (RFC 9110 section 12.5.4) among uk and en, then English.
language choose_language(std::optional<std::string_view> explicit_choice,
                         std::string_view accept_language);

// Returns "en" or "uk".
std::string_view language_code(language value) noexcept;

} // namespace skrynka::app::admin
