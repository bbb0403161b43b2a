// The entry point of the MIME parser: raw RFC 5322 message bytes in, message summary out.
// Implements the parts of RFC 5322, RFC 2045, 2046, 2047, 2183 and 2231 that IMAP
// ENVELOPE, BODYSTRUCTURE, SEARCH, SORT and section fetches need (RFC 3501 section 7.4.2).
#pragma once

#include "src/mime/limits.hpp"
#include "src/mime/summary.hpp"

#include <string_view>

namespace skrynka::mime {

// Summarizes raw_message, the message exactly as stored (CRLF line endings; bare LF is
// accepted too). A pure function: it never throws except std::bad_alloc, never reads
// outside raw_message, recurses at most bounds.max_depth_ (clamped to format_max_depth)
// levels, and produces at most bounds.max_parts_ parts. Memory use is linear in the
// size of raw_message.
//
// Malformed input degrades the way RFC 2045 and 2046 ask, never fails:
// - an invalid Content-Type, and a multipart without a boundary parameter or without
//   any part between boundaries, become text/plain; charset=us-ascii;
// - a missing closing boundary ends the last part at the end of the enclosing body;
// - a multipart or message/rfc822 part deeper than max_depth_, or one that would need
//   parts beyond max_parts_, becomes an application/octet-stream leaf;
// - NUL bytes, 8-bit header bytes and overlong lines are kept in the byte ranges, and
//   header fields over the line or field length limits are ignored.
// summary.truncated_ is set whenever a limit changed the result.
message_summary summarize(std::string_view raw_message, const limits& bounds = {});

} // namespace skrynka::mime
