// Address lists of From, Sender, Reply-To, To, Cc and Bcc (RFC 5322 section 3.4, with
// the obsolete forms of section 4.4) turned into IMAP ENVELOPE addresses (RFC 3501
// section 7.4.2).
#pragma once

#include "src/mime/summary.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace skrynka::mime {

struct address_list {
    std::vector<address> addresses_;
    bool truncated_ = false; // more than the requested maximum
};

// Parses an unfolded address header value. Groups ("name: a@b, c@d;") become a
// group_start marker, the members and a group_end marker; an unclosed group is closed at
// the end. Quoted strings are unquoted and unescaped, comments dropped, except that an
// address without a display name takes the text of its last comment as the name, as in
// the old "user@host (Full Name)" form. Malformed items are kept as well as possible
// (an address without "@" gets an empty host) and never throw other than std::bad_alloc.
address_list parse_address_list(std::string_view value, std::size_t max_addresses);

} // namespace skrynka::mime
