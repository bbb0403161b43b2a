#include "src/metrics/server_metrics.hpp"

namespace skrynka::metrics {

std::string_view protocol_name(protocol value) noexcept {
    switch (value) {
    case protocol::smtp:
        return "smtp";
    case protocol::submission:
        return "submission";
    case protocol::imap:
        return "imap";
    case protocol::pop3:
        return "pop3";
    case protocol::admin:
        return "admin";
    }
    return "unknown";
}

registry& server_metrics() noexcept {
    static registry process_registry;
    return process_registry;
}

} // namespace skrynka::metrics
