#include "src/cli/account_key_slots.hpp"

#include "src/cli/cli_error.hpp"

#include <fmt/format.h>

namespace skrynka::app::cli {

namespace {

constexpr std::size_t max_app_password_name_length = 64;

bool is_name_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

} // namespace

void check_app_password_name(std::string_view name) {
    bool valid = !name.empty() && name.size() <= max_app_password_name_length;
    for (char c : name) {
        valid = valid && is_name_character(c);
    }
    if (!valid) {
        throw cli_error(fmt::format("invalid app password label '{}': it must be 1 to 64 "
                                    "letters, digits, '.', '_' or '-'",
                                    name));
    }
}

} // namespace skrynka::app::cli
