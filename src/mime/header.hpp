// Header section splitting and unfolding (RFC 5322 sections 2.2 and 3.2.2), for the
// top-level message and for every MIME part header (RFC 2045 section 3).
#pragma once

#include "src/mime/limits.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::mime {

struct raw_header_field {
    std::string_view name_; // points into the input of parse_header
    std::string value_;     // unfolded, leading and trailing whitespace removed
};

struct header_section {
    // Octets from the start of the input to the start of the body: every header line
    // and the empty line after them. Equals the input size when no empty line exists.
    std::size_t length_ = 0;
    std::vector<raw_header_field> fields_;
    bool truncated_ = false; // more than limits::max_header_fields_ fields
};

// Splits the header section at the start of data. Lines end in CRLF or a bare LF; the
// section ends after the first empty line. A line that is neither a field ("name:") nor
// a continuation, and a field with a line or value longer than the limits, is skipped
// but still counted in length_. Never throws other than std::bad_alloc; linear time.
header_section parse_header(std::string_view data, const limits& bounds);

// Returns the value of the first field with this name (case-insensitive), or nullptr.
const raw_header_field* find_field(const header_section& header, std::string_view name);

} // namespace skrynka::mime
