#include "src/cli/password_input.hpp"

#include "src/cli/cli_error.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

// The terminal settings to restore, shared with the signal handler below. Only one
// prompt is active at a time in this single-threaded CLI.
struct termios saved_terminal {};
volatile std::sig_atomic_t echo_disabled = 0;

constexpr std::array restored_signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_echo_and_reraise(int signal_number) {
    if (echo_disabled != 0) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
    }
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(signal_number, &default_action, nullptr);
    ::raise(signal_number);
}

// Turns terminal echo off for its lifetime. A signal that would end the process
// restores echo first, so an interrupted prompt does not leave the shell silent.
class echo_off {
  public:
    echo_off() {
        if (::tcgetattr(STDIN_FILENO, &saved_terminal) != 0) {
            throw cli_error(
                fmt::format("failed to read the terminal settings: {}", std::strerror(errno)));
        }
        struct sigaction action {};
        action.sa_handler = restore_echo_and_reraise;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < restored_signals.size(); ++i) {
            ::sigaction(restored_signals[i], &action, &previous_actions_[i]);
        }

        struct termios quiet = saved_terminal;
        // ECHONL still echoes the newline, so the next prompt starts on its own line.
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        quiet.c_lflag |= ECHONL;
        echo_disabled = 1;
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    echo_off(const echo_off&) = delete;
    echo_off& operator=(const echo_off&) = delete;

    ~echo_off() {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
        echo_disabled = 0;
        for (std::size_t i = 0; i < restored_signals.size(); ++i) {
            ::sigaction(restored_signals[i], &previous_actions_[i], nullptr);
        }
    }

  private:
    std::array<struct sigaction, restored_signals.size()> previous_actions_{};
};

void write_prompt(std::string_view prompt) {
    std::size_t written = 0;
    while (written < prompt.size()) {
        ssize_t count = ::write(STDERR_FILENO, prompt.data() + written, prompt.size() - written);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            return;
        }
        written += static_cast<std::size_t>(count);
    }
}

// Reads one line from standard input byte by byte, so no stdio buffer ever contains
// the secret. Returns the line without its end.
crypto::secret_bytes read_line(std::size_t max_length) {
    crypto::secret_bytes buffer(max_length + 1);
    std::size_t length = 0;
    bool too_long = false;
    bool saw_nul = false;
    bool saw_newline = false;
    unsigned char byte = 0;

    while (true) {
        ssize_t count = ::read(STDIN_FILENO, &byte, 1);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            throw cli_error(fmt::format("failed to read standard input: {}", std::strerror(errno)));
        }
        if (count == 0) {
            break;
        }
        if (byte == '\n') {
            saw_newline = true;
            break;
        }
        saw_nul = saw_nul || byte == '\0';
        if (length < buffer.size()) {
            buffer.data()[length++] = byte;
        } else {
            too_long = true;
        }
    }
    sodium_memzero(&byte, sizeof byte);

    if (!saw_newline && length == 0) {
        throw cli_error("standard input ended before a password was read");
    }
    if (length > 0 && buffer.data()[length - 1] == '\r') {
        --length;
    }
    if (too_long || length > max_length) {
        throw cli_error(fmt::format("the password is longer than {} bytes", max_length));
    }
    // SASL PLAIN (RFC 4616) separates its fields with NUL, so a password that contains
    // one can never be sent by a mail client.
    if (saw_nul) {
        throw cli_error("the password contains a NUL byte, which no mail client can send; "
                        "choose one without it");
    }
    return crypto::secret_bytes::copy_of(buffer.bytes().first(length));
}

} // namespace

bool password_input::interactive() {
    return ::isatty(STDIN_FILENO) == 1;
}

crypto::secret_bytes password_input::read(std::string_view prompt) const {
    if (!interactive()) {
        return read_line(max_length_);
    }
    // Echo goes off before the prompt appears, so nothing typed in answer is echoed.
    // TCSANOW rather than TCSAFLUSH keeps what the user typed right after the prompt.
    echo_off quiet;
    write_prompt(prompt);
    return read_line(max_length_);
}

crypto::secret_bytes password_input::read_new(std::string_view prompt) const {
    crypto::secret_bytes first = read(prompt);
    if (!interactive()) {
        return first;
    }
    crypto::secret_bytes second = read("Repeat it: ");
    if (!first.equals(second.bytes())) {
        throw cli_error("the two passwords differ, so nothing was changed");
    }
    return first;
}

} // namespace skrynka::app::cli
