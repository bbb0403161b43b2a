// Password strength rules for new login passwords. The check reads the password in
// place, so callers can pass a crypto::secret_bytes buffer without copying it.
#pragma once

#include "policies/limits.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace skrynka::policies {

enum class password_problem {
    none,
    empty,
    too_short,
    too_long,
    one_character,
    common,
    contains_local_part,
};

// The length bounds a password must meet. min_length counts UTF-8 characters (code
// points), max_length counts bytes, as the limits registry defines them.
struct password_rules {
    std::size_t min_length = 12;
    std::size_t max_length = 1024;

    static password_rules from_limits(const limit_values& limits);
};

// Checks a candidate password for the account whose local part is local_part (pass an
// empty string when there is none). Returns the first problem found, or none. The
// common-password comparison and the local-part search ignore ASCII case. The local-part
// search applies only to local parts of three characters or more, so that a short name
// like "jo" does not reject most passwords.
password_problem check_password(std::span<const unsigned char> password,
                                std::string_view local_part, const password_rules& rules);

// Returns the reason for problem as a phrase that starts with "the password", for
// example "the password is shorter than 12 characters". Never includes the password.
std::string describe_password_problem(password_problem problem, const password_rules& rules);

} // namespace skrynka::policies
