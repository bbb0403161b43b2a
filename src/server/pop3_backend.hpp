// The storage side of POP3: logins that unlock the account's key and lock its
// maildrop, and the INBOX served as that maildrop, read and decrypted piece by piece.
#pragma once

#include "crypto/key_slot.hpp"
#include "policies/login_throttle.hpp"
#include "src/net/listener.hpp"
#include "src/pop3/maildrop.hpp"
#include "src/server/account_sessions.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "storage/executor.hpp"

#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <memory>

namespace skrynka::app::server {

// Services the POP3 logins use. Everything referenced must outlive every session.
struct pop3_backend_context {
    boost::asio::thread_pool* blocking_pool = nullptr; // runs each maildrop's executor
    storage::executor* directory_executor = nullptr;
    storage::directory* directory = nullptr; // used only on directory_executor
    std::filesystem::path state_directory;
    account_sessions* sessions = nullptr;
    policies::login_throttle* throttle = nullptr;
    // Logins and expunges are recorded here; thread-safe.
    storage::audit_writer* audit = nullptr;
    // The Argon2id cost spent for an unknown login name: the configured slot parameters.
    crypto::argon2_params unknown_user_params;
};

// Returns the authenticator for one connection. Its logins are counted against the
// connection's remote address in the shared throttle and logged with its session id.
std::unique_ptr<pop3::authenticator> make_pop3_accounts(const pop3_backend_context& context,
                                                        const net::connection_info& info);

} // namespace skrynka::app::server
