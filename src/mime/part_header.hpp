// The MIME header fields of one body part (RFC 2045 sections 5 to 8, RFC 2183, RFC 3066
// Content-Language, RFC 2557 Content-Location) applied to its body_part node, and the
// ENVELOPE fields of a message header (RFC 3501 section 7.4.2).
#pragma once

#include "src/mime/header.hpp"
#include "src/mime/summary.hpp"

namespace skrynka::mime {

// Sets the type, parameters and the other Content-* fields of part from header. A part
// without Content-Type gets text/plain; charset=us-ascii, or message/rfc822 when
// in_digest is true (RFC 2046 section 5.1.5). An invalid Content-Type gets text/plain.
void apply_part_header(const header_section& header, bool in_digest, body_part& part);

// Builds the ENVELOPE fields from a message header. Sets truncated when an address list
// went over bounds.max_addresses_.
envelope build_envelope(const header_section& header, const limits& bounds, bool& truncated);

} // namespace skrynka::mime
