// Checks of what an administrator types for an account: its address and a new
// password. Each failure is a cli_error whose message states what is wrong and why.
#pragma once

#include "crypto/secret.hpp"
#include "policies/address.hpp"
#include "src/config/settings.hpp"

#include <string_view>

namespace skrynka::app::cli {

// Parses text as the address of a new account or alias of this instance and returns
// its canonical form. Throws cli_error when the address is invalid, when its domain is
// not in server.domains, or when its local part contains '+', which separates a
// subaddress tag ("alice+lists@") and so cannot start a different account.
policies::address parse_account_address(std::string_view text, const config::settings& settings);

// Parses text as the address of an existing account or alias, as parse_account_address
// does but without the server.domains check: an account stays in the directory, and
// must stay manageable, after its domain is removed from the config.
policies::address parse_existing_address(std::string_view text);

// Throws cli_error("weak password: REASON") when password fails the password policy
// for the account whose address is owner.
void check_new_password(const crypto::secret_bytes& password, const policies::address& owner,
                        const policies::limit_values& limits);

} // namespace skrynka::app::cli
