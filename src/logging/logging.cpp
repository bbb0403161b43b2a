#include "src/logging/logging.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace skrynka::app::logging {

namespace {

bool is_bare_character(unsigned char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    constexpr std::string_view punctuation = "._-+:/@,";
    return punctuation.find(static_cast<char>(c)) != std::string_view::npos;
}

} // namespace

void setup_logging(std::string_view level) {
    auto logger = spdlog::stderr_logger_mt("skrynka");
    logger->set_pattern("time=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
    logger->set_level(spdlog::level::from_str(std::string(level)));
    // stderr may be a pipe to journald or a test harness: a line must not wait in a buffer.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

std::string log_value(std::string_view text, std::size_t max_length) {
    bool truncated = text.size() > max_length;
    if (truncated) {
        text = text.substr(0, max_length);
    }

    bool bare = !text.empty() && !truncated;
    for (unsigned char c : text) {
        bare = bare && is_bare_character(c);
    }
    if (bare) {
        return std::string(text);
    }

    std::string quoted = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
            quoted += static_cast<char>(c);
        } else if (c < 0x20 || c > 0x7E) {
            quoted += fmt::format("\\x{:02x}", c);
        } else {
            quoted += static_cast<char>(c);
        }
    }
    if (truncated) {
        quoted += "...";
    }
    quoted += '"';
    return quoted;
}

} // namespace skrynka::app::logging
