// Limits of the SMTP receiving side (RFC 5321 §4.5.3 sizes, §4.5.3.2 timeouts), as the
// engine uses them. Their defaults and ranges are the smtp_* entries of the policies
// limit registry (policies/limits.hpp), checked when the config loads.
#pragma once

#include "policies/limits.hpp"

#include <chrono>
#include <cstddef>

namespace skrynka::smtp {

struct smtp_limits {
    // The registry defaults.
    smtp_limits();
    // The smtp_* values of `values`, which the config loader has range-checked.
    explicit smtp_limits(const policies::limit_values& values);

    // Octets of a command line including CR LF (RFC 5321 §4.5.3.1.4).
    std::size_t command_line_max;
    // Octets of a line of message text including CR LF, after DATA (§4.5.3.1.6).
    std::size_t text_line_max;
    // Octets of a message as received, before our trace headers; advertised as SIZE.
    std::size_t message_size_max;
    // Accepted recipients per transaction (§4.5.3.1.8).
    std::size_t recipients_max;
    // Commands accepted while no transaction is open (EHLO, NOOP, RSET, VRFY, HELP, ...)
    // before the session is closed with 421; an accepted MAIL resets the count.
    std::size_t commands_before_mail_max;
    // Error replies (4xx or 5xx) per session; the reply that reaches this count is
    // followed by 421 and the session is closed.
    std::size_t errors_max;
    // Concurrent connections from one remote IP address.
    std::size_t connections_per_address_max;

    // RFC 5321 §4.5.3.2 timeouts. The server waits for a command for `server_idle` and
    // for the next octets of message text for `data_block`. The other four are the
    // client-side values of §4.5.3.2.1 to .6, kept for the outbound side.
    std::chrono::seconds initial_greeting;
    std::chrono::seconds mail_rcpt;
    std::chrono::seconds data_initiation;
    std::chrono::seconds data_block;
    std::chrono::seconds data_termination;
    std::chrono::seconds server_idle;
};

} // namespace skrynka::smtp
