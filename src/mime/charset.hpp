// Conversion of text in a MIME charset (RFC 2046 section 4.1.2, RFC 2978 names) to UTF-8,
// used for RFC 2047 encoded words and RFC 2231 parameter values.
#pragma once

#include <string>
#include <string_view>

namespace skrynka::mime {

// Appends bytes to out, replacing each invalid or overlong UTF-8 sequence, surrogate
// and code point above U+10FFFF with U+FFFD, so out stays valid UTF-8.
void append_valid_utf8(std::string_view bytes, std::string& out);

// Converts bytes in the named charset to UTF-8 and appends them to out. Charset names
// compare case-insensitively; UTF-8 and US-ASCII are handled here and every other
// name goes to glibc iconv (ISO-8859-*, windows-125*, KOI8-R, KOI8-U and the rest of
// its list). Bytes the charset does not define become U+FFFD. Returns false and leaves
// out unchanged when the charset is unknown or its name is not a plain token.
// Thread-safe: each call opens its own conversion descriptor.
bool append_as_utf8(std::string_view charset, std::string_view bytes, std::string& out);

} // namespace skrynka::mime
