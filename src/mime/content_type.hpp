// Content-Type and Content-Disposition values with their parameters (RFC 2045 section
// 5.1, RFC 2183), including RFC 2231 parameter continuations and charset-tagged values.
#pragma once

#include "src/mime/summary.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::mime {

struct content_type {
    std::string type_;    // lowercase
    std::string subtype_; // lowercase
    std::vector<parameter> parameters_;
};

// Parses a Content-Type value. Returns nullopt when "type/subtype" is missing or is not
// made of RFC 2045 tokens, and the caller then applies the RFC 2045 section 5.2 default.
std::optional<content_type> parse_content_type(std::string_view value);

struct content_disposition {
    std::string type_; // lowercase, for example "attachment"; empty when missing
    std::vector<parameter> parameters_;
};

content_disposition parse_content_disposition(std::string_view value);

// Parses "; name=value" parameters from the start of text. Comments and whitespace are
// skipped; an unquoted value runs to the next ";" (lenient, because senders often forget
// quotes around file names with spaces). RFC 2231 sections are joined in section order,
// "%XX" escapes decoded, and a value tagged with a known charset converted to UTF-8; with
// an unknown or empty charset the decoded octets are kept as they are. When both "name"
// and "name*" forms exist, the RFC 2231 form wins. Names are lowercased, and for a
// repeated name the first occurrence wins. A plain value keeps its raw octets, which may
// be 8-bit and not UTF-8.
// TODO: RFC 2047 encoded words inside quoted values (name="=?utf-8?B?...?="), which
// RFC 2047 section 5 forbids but Outlook sends, are kept undecoded.
std::vector<parameter> parse_parameters(std::string_view text);

} // namespace skrynka::mime
