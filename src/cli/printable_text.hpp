// Escaping of untrusted text (addresses, labels, config values, paths) before it
// reaches a terminal in an error line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skrynka::app::cli {

// The maximum number of input bytes printable_text keeps before it appends "...".
inline constexpr std::size_t printable_text_max_bytes = 1024;

// Returns text as one printable line: a backslash becomes "\\", tab, CR and LF become
// "\t", "\r" and "\n", and every other control byte (0x00-0x1f, 0x7f) becomes "\xHH".
// Bytes from 0x80 up pass through, so UTF-8 stays readable. Text longer than
// printable_text_max_bytes is cut there and ends with "...".
std::string printable_text(std::string_view text);

} // namespace skrynka::app::cli
