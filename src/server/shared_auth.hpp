// The one place where the POP3 service reaches the login code it shares with IMAP and
// SMTP submission: unlocking an account with a password, and the cleartext policy.
#pragma once

#include "crypto/key_slot.hpp"
#include "crypto/secret.hpp"
#include "crypto/user_keys.hpp"
#include "storage/directory.hpp"

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::app::server::shared_auth {

// TODO: replace these stand-ins with src/auth/account_unlock.hpp and
// policies/auth_policy.hpp once they are on main. The names and results are the same,
// so only this header and its .cpp change.
struct unlocked_account {
    storage::account_id account = 0;
    std::string address; // canonical primary address
    crypto::user_key_pair keys;
};

// Unlocks the active account whose primary address is login_name with a login or app
// password slot that secret opens. Returns nothing for a malformed or unknown name, a
// disabled account or a wrong secret; an unknown name spends one Argon2id run at
// unknown_user_params. Blocking; run it on the directory's executor.
std::optional<unlocked_account> unlock_account(storage::directory& directory,
                                               std::string_view login_name,
                                               const crypto::secret_bytes& secret,
                                               const crypto::argon2_params& unknown_user_params);

// Returns true when a password may be presented: inside TLS, or from loopback.
bool cleartext_auth_allowed(bool tls_active, const boost::asio::ip::address& remote);

} // namespace skrynka::app::server::shared_auth
