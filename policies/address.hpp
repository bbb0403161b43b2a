// Email address parsing and canonical form for account names, aliases and recipients.
// Implements the dot-atom form of RFC 5322 section 3.4.1 and the size limits of
// RFC 5321 section 4.5.3.1: local part 64 octets, domain 255 octets, path 256 octets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace skrynka::policies {

// A canonical address: both parts ASCII lowercase. RFC 5321 allows a server to treat
// local parts as case-sensitive, but skrynka folds them, because two accounts that
// differ only in case would invite impersonation.
struct address {
    std::string local_part;
    std::string domain;

    // Returns "local_part@domain".
    std::string text() const;

    friend bool operator==(const address&, const address&) = default;
};

enum class address_error {
    empty = 1,
    space_or_control,
    missing_at,
    empty_local_part,
    empty_domain,
    local_part_too_long,
    domain_too_long,
    address_too_long,
    quoted_local_part,
    invalid_local_part,
    invalid_domain,
};

const std::error_category& address_category() noexcept;
std::error_code make_error_code(address_error error) noexcept;

// The longest accepted parts, in octets. An address fits in a 256-octet path
// "<local@domain>", so the address itself has at most 254 octets.
inline constexpr std::size_t max_local_part_length = 64;
inline constexpr std::size_t max_domain_length = 255;
inline constexpr std::size_t max_address_length = 254;

// Parses text as local@domain and returns its canonical form. On failure returns
// nothing and sets error to an address_error. The local part must be a dot-atom of
// ASCII characters: quoted local parts and SMTPUTF8 (RFC 6531) addresses are rejected.
// TODO: accept quoted local parts and UTF-8 local parts when SMTP delivery needs them.
std::optional<address> parse_address(std::string_view text, std::error_code& error);

// Parses a domain name (dot-separated labels of letters, digits and hyphens, 1 to 63
// octets each, not starting or ending with a hyphen) and returns it in lowercase.
// Internationalized domains must be given in their ASCII (xn--) form, because IDNA
// conversion is not implemented. On failure returns nothing and sets error.
std::optional<std::string> parse_domain(std::string_view text, std::error_code& error);

} // namespace skrynka::policies

template <> struct std::is_error_code_enum<skrynka::policies::address_error> : std::true_type {};
