// The failure of a command, reported as one line on stderr and a non-zero exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace skrynka::app::cli {

class cli_error : public std::runtime_error {
  public:
    explicit cli_error(const std::string& message, int exit_status = 1)
        : std::runtime_error(message), exit_status_(exit_status) {}

    int exit_status() const noexcept { return exit_status_; }

  private:
    int exit_status_;
};

} // namespace skrynka::app::cli
