#include "src/cli/account_input.hpp"

#include "policies/password_policy.hpp"
#include "src/cli/cli_error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace skrynka::app::cli {

policies::address parse_existing_address(std::string_view text) {
    std::error_code error;
    auto parsed = policies::parse_address(text, error);
    if (!parsed) {
        throw cli_error(fmt::format("invalid address '{}': {}", text, error.message()));
    }
    if (parsed->local_part.find('+') != std::string::npos) {
        throw cli_error(fmt::format(
            "invalid address '{}': '+' separates a subaddress tag, so an account or alias "
            "name cannot contain it",
            text));
    }
    return *parsed;
}

policies::address parse_account_address(std::string_view text, const config::settings& settings) {
    policies::address parsed = parse_existing_address(text);
    const auto& domains = settings.server.domains;
    if (std::find(domains.begin(), domains.end(), parsed.domain) == domains.end()) {
        throw cli_error(fmt::format(
            "unknown domain '{}' in '{}': this instance serves {} (server.domains in {})",
            parsed.domain, text, fmt::join(domains, ", "), settings.file.string()));
    }
    return parsed;
}

void check_new_password(const crypto::secret_bytes& password, const policies::address& owner,
                        const policies::limit_values& limits) {
    auto rules = policies::password_rules::from_limits(limits);
    auto problem = policies::check_password(password.bytes(), owner.local_part, rules);
    if (problem != policies::password_problem::none) {
        throw cli_error("weak password: " + policies::describe_password_problem(problem, rules));
    }
}

} // namespace skrynka::app::cli
