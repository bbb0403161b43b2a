// Service logs: one line per event on stderr, made of key=value fields, in UTC:
//   time=2026-12-04T21:30:00.123Z level=info event=start version=0.1.0 pid=4711
// Values that come from outside (addresses, host names, paths, client text) go through
// log_value() first. Secrets, passwords, keys, subjects and bodies are never logged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skrynka::app::logging {

// Makes the default spdlog logger write the format above to stderr at level and above.
// level is one of trace, debug, info, warn, error, critical, off (config key log.level).
void setup_logging(std::string_view level);

// Returns text as one log field value. Text made only of letters, digits and
// . _ - + : / @ , is returned unchanged. Other text is wrapped in double quotes, with
// backslash escapes for '"' and '\' and \xHH for control bytes and bytes above 0x7E, so a
// value can never start a new line or a new field. Text longer than max_length bytes is
// cut there and marked with "..." inside the quotes.
std::string log_value(std::string_view text, std::size_t max_length = 256);

} // namespace skrynka::app::logging
