// Limits of one POP3 session. The server fills them from the [limits] pop3_* settings
// in policies/limits.hpp, where each has its default and range.
#pragma once

#include <chrono>
#include <cstddef>

namespace skrynka::pop3 {

struct pop3_limits {
    // Octets of a command line including its line terminator.
    std::size_t line_max = 2048;
    // Commands in the AUTHORIZATION state before the session is closed.
    std::size_t commands_before_auth_max = 20;
    // -ERR replies per session; the one that reaches this count closes the session.
    std::size_t errors_max = 10;
    // Inactivity before the session is closed without entering the UPDATE state.
    std::chrono::seconds idle_timeout{600};
};

} // namespace skrynka::pop3
