#include "src/config/config_error.hpp"

namespace skrynka::app::config {

namespace {

class config_error_category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "config"; }

    std::string message(int value) const override {
        switch (static_cast<config_errc>(value)) {
        case config_errc::unreadable_file:
            return "config file cannot be read";
        case config_errc::syntax_error:
            return "config file is not valid TOML";
        case config_errc::unknown_key:
            return "unknown config key";
        case config_errc::wrong_type:
            return "config value has the wrong type";
        case config_errc::invalid_value:
            return "config value is invalid";
        case config_errc::missing_key:
            return "required config key is missing";
        case config_errc::malformed_override:
            return "override is not section.key=value";
        }
        return "config error";
    }
};

} // namespace

const std::error_category& config_category() noexcept {
    static const config_error_category category;
    return category;
}

std::error_code make_error_code(config_errc error) noexcept {
    return {static_cast<int>(error), config_category()};
}

} // namespace skrynka::app::config
