// Limits of the SMTP receiving side (RFC 5321 §4.5.3 sizes, §4.5.3.2 timeouts).
// Each limit has a default, a minimum and a maximum; check_limits() enforces the range.
// TODO: the policies layer will own these settings and load them from the config file.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace skrynka::smtp {

struct smtp_limits {
    // Octets of a command line including CR LF. RFC 5321 §4.5.3.1.4 sets 512 and lets
    // extensions raise it. Range 512 to 4096.
    std::size_t command_line_max = 512;

    // Octets of a line of message text including CR LF, after DATA. RFC 5321 §4.5.3.1.6
    // sets 1000 and RFC 5322 §2.1.1 forbids longer lines. Range 1000 to 65536.
    std::size_t text_line_max = 1000;

    // Octets of a message as received, before our trace headers; advertised as SIZE.
    // Default 50 MiB, range 64 KiB to 1 GiB.
    std::size_t message_size_max = 50 * 1024 * 1024;

    // Accepted recipients per transaction. RFC 5321 §4.5.3.1.8 requires at least 100.
    // Range 100 to 10000.
    std::size_t recipients_max = 100;

    // Commands accepted while no transaction is open (EHLO, NOOP, RSET, VRFY, HELP, ...)
    // before the session is closed with 421; an accepted MAIL resets the count.
    // Default 50, range 10 to 1000.
    std::size_t commands_before_mail_max = 50;

    // Error replies (4xx or 5xx) per session; the reply that reaches this count is
    // followed by 421 and the session is closed. Default 10, range 1 to 100.
    std::size_t errors_max = 10;

    // Concurrent connections from one remote IP address. Default 10, range 1 to 1000.
    std::size_t connections_per_address_max = 10;

    // RFC 5321 §4.5.3.2 timeouts. The server waits for a command for `server_idle` and
    // for the next octets of message text for `data_block`. The other three are the
    // client-side values of §4.5.3.2.1 to .6, kept here for the outbound side and so
    // that replies are never slower than a client waits. Range 1 s to 1 h each.
    std::chrono::seconds initial_greeting{300}; // §4.5.3.2.1, 5 minutes
    std::chrono::seconds mail_rcpt{300};        // §4.5.3.2.2 and .3, 5 minutes
    std::chrono::seconds data_initiation{120};  // §4.5.3.2.4, 2 minutes
    std::chrono::seconds data_block{180};       // §4.5.3.2.5, 3 minutes
    std::chrono::seconds data_termination{600}; // §4.5.3.2.6, 10 minutes
    std::chrono::seconds server_idle{300};      // §4.5.3.2.7, 5 minutes
};

// Returns one message per setting outside its range, such as
// "text_line_max = 10 is below the minimum 1000". An empty result means valid.
std::vector<std::string> check_limits(const smtp_limits& limits);

} // namespace skrynka::smtp
