// Credential check of SMTP AUTH on the submission ports (RFC 4954, RFC 6409 §4.3):
// who logged in and which envelope and header sender addresses are theirs.
#pragma once

#include "crypto/secret.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp {

enum class auth_status {
    success,
    invalid,           // unknown name or wrong password: 535 5.7.8
    rate_limited,      // too many failed logins from this address: 454 4.7.0
    temporary_failure, // the directory could not be read: 454 4.7.0
};

struct auth_outcome {
    auth_status status = auth_status::invalid;
    std::int64_t account = 0;  // the directory's account id, on success
    std::string user;          // canonical primary address, on success
    // Canonical addresses the account may send as: its primary address and aliases.
    std::vector<std::string> sender_addresses;
};

// Returns an outcome with `status` and no account, for every status but success.
inline auth_outcome failed_auth(auth_status status) {
    auth_outcome outcome;
    outcome.status = status;
    return outcome;
}

class authenticator {
  public:
    virtual ~authenticator() = default;

    // Checks login_name and password. Called on the session's thread in immediate mode
    // only (see session.hpp); must not throw.
    virtual auth_outcome authenticate(std::string_view login_name,
                                      const crypto::secret_bytes& password) = 0;
};

} // namespace skrynka::smtp
