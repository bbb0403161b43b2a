// SMTP reply formatting: reply lines of RFC 5321 §4.2 with the enhanced status codes of
// RFC 3463 as RFC 2034 places them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp {

// Formats "code status text" CR LF, or "code text" CR LF when `status` is empty
// (the greeting, EHLO/HELO replies and 354 carry no enhanced code).
std::string format_reply(int code, std::string_view status, std::string_view text);

// Formats a multi-line reply: "code-line" for all but the last, "code line" last.
std::string format_multiline_reply(int code, const std::vector<std::string>& lines);

} // namespace skrynka::smtp
