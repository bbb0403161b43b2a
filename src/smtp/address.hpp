// Envelope address syntax: Reverse-path and Forward-path of RFC 5321 §4.1.2, with the
// UTF-8 extensions of RFC 6531 §3.3 and the length limits of RFC 5321 §4.5.3.1.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skrynka::smtp {

// A mailbox as sent on the wire: `local_part` keeps its quotes if it was a
// Quoted-string, `domain` is a domain name or an address literal such as "[192.0.2.1]".
struct mailbox {
    std::string local_part;
    std::string domain;

    // "local@domain", or just the local part when the domain is empty (RCPT TO:<Postmaster>).
    std::string text() const;
};

enum class path_error {
    none,
    syntax,   // not a valid path
    too_long, // local part over 64, domain over 255 or path over 256 octets
};

// A parsed path. `address` is empty for the null reverse-path "<>".
struct path {
    std::optional<mailbox> address;
    // The address contains octets above 0x7F, which RFC 6531 allows only when the
    // transaction was opened with the SMTPUTF8 parameter.
    bool utf8 = false;
};

struct path_result {
    path value;
    path_error error = path_error::none;
    // Octets of the input after the closing ">".
    std::string_view rest;
};

// Parses a path at the start of `text`. A source route ("<@a,@b:user@c>") is accepted
// and dropped, as RFC 5321 §4.1.2 and Appendix C ask of servers. `allow_null` admits
// "<>". `allow_postmaster` admits "<Postmaster>" without a domain (RFC 5321 §4.1.1.3).
path_result parse_path(std::string_view text, bool allow_null, bool allow_postmaster);

// True when `text` is a Domain or address-literal as in RFC 5321 §4.1.2, the argument of
// EHLO and HELO. UTF-8 labels are accepted because EHLO precedes any SMTPUTF8 parameter.
bool is_valid_helo_argument(std::string_view text);

} // namespace skrynka::smtp
