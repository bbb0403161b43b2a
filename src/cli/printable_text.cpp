#include "src/cli/printable_text.hpp"

#include <fmt/format.h>

namespace skrynka::app::cli {

std::string printable_text(std::string_view text) {
    const bool truncated = text.size() > printable_text_max_bytes;
    if (truncated) {
        text = text.substr(0, printable_text_max_bytes);
    }

    std::string result;
    result.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (byte) {
        case '\\': result += "\\\\"; break;
        case '\n': result += "\\n"; break;
        case '\r': result += "\\r"; break;
        case '\t': result += "\\t"; break;
        default:
            if (byte < 0x20 || byte == 0x7f) {
                result += fmt::format("\\x{:02x}", byte);
            } else {
                result += c;
            }
        }
    }

    if (truncated) {
        result += "...";
    }
    return result;
}

} // namespace skrynka::app::cli
