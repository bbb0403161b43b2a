// SMTP reply formatting; see reply.hpp.
#include "src/smtp/reply.hpp"

#include <fmt/format.h>

namespace skrynka::smtp {

std::string format_reply(int code, std::string_view status, std::string_view text) {
    if (status.empty()) {
        return fmt::format("{} {}\r\n", code, text);
    }
    return fmt::format("{} {} {}\r\n", code, status, text);
}

std::string format_multiline_reply(int code, const std::vector<std::string>& lines) {
    std::string result;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const char separator = (i + 1 == lines.size()) ? ' ' : '-';
        result += fmt::format("{}{}{}\r\n", code, separator, lines[i]);
    }
    return result;
}

} // namespace skrynka::smtp
