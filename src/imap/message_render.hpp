// ENVELOPE, BODY and BODYSTRUCTURE responses (RFC 3501 section 7.4.2) rendered from a
// message summary, and the byte ranges of body sections (section 6.4.5).
#pragma once

#include "src/mime/summary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::imap {

// Appends the parenthesised ENVELOPE of envelope to out.
void append_envelope(std::string& out, const mime::envelope& envelope);

// Appends BODYSTRUCTURE (extensible = true) or BODY (extensible = false) of part.
void append_body_structure(std::string& out, const mime::body_part& part, bool extensible);

// A parsed section specification: the text between '[' and ']' of BODY[...].
struct section_spec {
    enum class text_kind { none, header, header_fields, header_fields_not, text, mime };
    std::vector<std::uint32_t> part; // empty for the whole message
    text_kind text = text_kind::none;
    std::vector<std::string> fields; // for header_fields and header_fields_not, as sent

    // The section as the response names it, for example "1.2.HEADER.FIELDS (FROM TO)".
    std::string label() const;
};

// Parses the text between '[' and ']'. Returns nullopt when it breaks the grammar, which
// includes a part number 0 and MIME without a part number.
std::optional<section_spec> parse_section(std::string_view text);

// Octets of the raw message that a section covers.
struct byte_range {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// Finds the bytes of section in a message with this summary. For HEADER.FIELDS the range
// is the header that must then be filtered with filter_header_fields. Returns nullopt
// when the message has no such part.
std::optional<byte_range> resolve_section(const mime::message_summary& summary,
                                          const section_spec& section);

// Keeps the header fields whose names are in names (or, with exclude, are not), compared
// without regard to case, and the empty line that ends the header.
std::string filter_header_fields(std::string_view header, const std::vector<std::string>& names,
                                 bool exclude);

} // namespace skrynka::imap
