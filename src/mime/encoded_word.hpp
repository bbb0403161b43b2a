// RFC 2047 encoded words ("=?charset?B?...?=" and "=?charset?Q?...?=") in header text.
#pragma once

#include <string>
#include <string_view>

namespace skrynka::mime {

// Decodes every encoded word in text and returns valid UTF-8. Whitespace between two
// adjacent encoded words is dropped (RFC 2047 section 6.2), and adjacent words in the
// same charset are joined before conversion so a character split across them survives.
// An encoded word is kept as written when its charset is unknown or its syntax is
// broken. Other bytes pass through, with invalid UTF-8 replaced by U+FFFD. The RFC 2231
// language suffix ("=?utf-8*en?Q?...?=") is accepted and ignored. Runs in linear time.
std::string decode_encoded_words(std::string_view text);

} // namespace skrynka::mime
