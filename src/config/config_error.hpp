// Errors from loading the config file and its -o overrides. Each problem is a complete
// one-line message that names the file and line (or the override) and the key, such as
// "skrynka.toml:12: limits.password_min_length: 3 is below the minimum 8". One error
// carries every problem found in one load; what() and code() are those of the first.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace skrynka::app::config {

enum class config_errc {
    unreadable_file = 1,
    syntax_error,
    unknown_key,
    wrong_type,
    invalid_value,
    missing_key,
    malformed_override,
};

const std::error_category& config_category() noexcept;
std::error_code make_error_code(config_errc error) noexcept;

class config_error : public std::runtime_error {
  public:
    config_error(config_errc code, const std::string& message)
        : std::runtime_error(message), code_(make_error_code(code)), problems_{message} {}

    // problems is every line, starting with message.
    config_error(config_errc code, const std::string& message, std::vector<std::string> problems)
        : std::runtime_error(message), code_(make_error_code(code)),
          problems_(std::move(problems)) {}

    std::error_code code() const noexcept { return code_; }
    const std::vector<std::string>& problems() const noexcept { return problems_; }

  private:
    std::error_code code_;
    std::vector<std::string> problems_;
};

} // namespace skrynka::app::config

template <> struct std::is_error_code_enum<skrynka::app::config::config_errc> : std::true_type {};
