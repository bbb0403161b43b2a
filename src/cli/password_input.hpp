// Reads passwords and other typed secrets into secret memory, never into std::string.
// On a terminal the input is not echoed; from a pipe or file it is one line per secret.
#pragma once

#include "crypto/secret.hpp"

#include <cstddef>
#include <string_view>

namespace skrynka::app::cli {

class password_input {
  public:
    // max_length is the longest secret accepted, in bytes (limits.password_max_length).
    explicit password_input(std::size_t max_length) : max_length_(max_length) {}

    // Returns true when standard input is a terminal.
    static bool interactive();

    // Reads one secret. On a terminal writes prompt to stderr and turns echo off while
    // the user types, restoring it also when SIGINT, SIGTERM, SIGHUP or SIGQUIT arrives.
    // Otherwise reads one line from standard input without a prompt. A trailing "\r\n"
    // or "\n" is removed. Throws cli_error when the input ends before a line, when the
    // line is longer than max_length bytes (the rest of the line is discarded), or when
    // it contains a NUL byte.
    crypto::secret_bytes read(std::string_view prompt) const;

    // Reads a new secret. On a terminal prompts twice and throws cli_error when the two
    // entries differ. Otherwise reads one line, as read() does.
    crypto::secret_bytes read_new(std::string_view prompt) const;

  private:
    std::size_t max_length_;
};

} // namespace skrynka::app::cli
