// POP3 connection loop: drives a pop3::session over a TCP socket, upgrading the same
// socket to TLS on STLS (RFC 2595 section 4) with the input buffer discarded, or
// starting with TLS on the POP3S port (RFC 8314 section 3.3).
#pragma once

#include "src/net/listener.hpp"
#include "src/net/tls_context.hpp"
#include "src/pop3/limits.hpp"
#include "src/pop3/maildrop.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

namespace skrynka::net {

// Settings and services shared by every POP3 connection of one listener. Everything
// referenced must outlive the connections.
struct pop3_service {
    std::string hostname;
    pop3::pop3_limits limits;
    tls_context_store* tls = nullptr; // STLS is offered only when set
    bool implicit_tls = false;        // the listener is the POP3S port; needs tls
    // Returns whether a client at this address may log in before TLS (the auth policy).
    std::function<bool(const connection_info&)> cleartext_login_allowed;
    // Returns the login backend of one connection.
    std::function<std::unique_ptr<pop3::authenticator>(const connection_info&)> accounts;
};

// Runs one POP3 session on socket until QUIT, an error, a timeout or the client leaves.
// A session that ends any other way than by QUIT deletes nothing. Logs connect, every
// session event and the disconnect with its reason and counts.
boost::asio::awaitable<void> run_pop3_connection(boost::asio::ip::tcp::socket socket,
                                                 connection_info info, const pop3_service& service);

// The response sent to a client over the per-address connection limit.
std::string pop3_busy_reply();

} // namespace skrynka::net
