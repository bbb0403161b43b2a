#include "src/cli/termination_signals.hpp"

#include "src/cli/cli_error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>

namespace skrynka::app::cli {

void block_termination_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal : {SIGHUP, SIGINT, SIGQUIT, SIGTERM}) {
        sigaddset(&signals, signal);
    }
    // The administration commands run on one thread, so the process mask is this mask.
    const int error = ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    if (error != 0) {
        throw cli_error(fmt::format("cannot block termination signals: {}", std::strerror(error)));
    }
}

} // namespace skrynka::app::cli
