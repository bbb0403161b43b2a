// Mailbox names on the IMAP wire: modified UTF-7 (RFC 3501 section 5.1.3) to and from
// the UTF-8 names the mailbox store keeps.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skrynka::imap {

// Decodes a modified UTF-7 name to UTF-8. Returns nullopt for any name that a
// conforming encoder could not have produced, so each UTF-8 name has exactly one wire
// form: octets outside 0x20-0x7e, a shift sequence without its closing '-', an empty
// shift other than "&-", a shift that encodes printable ASCII, two shifts in a row,
// base64 with non-zero padding bits or an odd octet count, and unpaired surrogates.
std::optional<std::string> decode_mailbox_name(std::string_view wire);

// Encodes a UTF-8 name. Invalid UTF-8 sequences become U+FFFD.
std::string encode_mailbox_name(std::string_view utf8);

} // namespace skrynka::imap
