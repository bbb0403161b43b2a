// Bounds that keep summarize() linear in time and memory on hostile input.
// The policy layer sets these from its configuration; the defaults suit a personal server.
#pragma once

#include <cstddef>

namespace skrynka::mime {

struct limits {
    // Maximum nesting of multipart and message/rfc822 parts below the top-level message.
    // A multipart or message/rfc822 part at this depth is summarized as a text/plain leaf.
    std::size_t max_depth_ = 32;

    // Maximum number of body parts in the whole tree, the top-level part included.
    // A multipart stops collecting children when the tree reaches it.
    std::size_t max_parts_ = 1000;

    // Maximum header fields examined per header section. Later fields are counted
    // in the header size but not parsed, so they cannot change the structure.
    std::size_t max_header_fields_ = 500;

    // Maximum length in octets of one physical header line, line break excluded.
    // A field containing a longer line is skipped as if it were absent.
    std::size_t max_header_line_length_ = 16 * 1024;

    // Maximum length in octets of one unfolded header field value. Longer fields are skipped.
    std::size_t max_header_field_length_ = 64 * 1024;

    // Maximum addresses (group markers included) kept per address header.
    std::size_t max_addresses_ = 1000;
};

// The serialized format does not nest deeper than this, so summarize() clamps
// limits::max_depth_ to it.
constexpr std::size_t format_max_depth = 200;

} // namespace skrynka::mime
