// IMAP connection loop: drives an imap::session over a TCP socket, with implicit TLS on
// the IMAPS port or STARTTLS on the plain port (RFC 3501 section 6.2.1, RFC 8314).
#pragma once

#include "src/imap/mail_access.hpp"
#include "src/imap/session.hpp"
#include "src/net/listener.hpp"
#include "src/net/tls_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <string>

namespace skrynka::net {

// Settings and services shared by every IMAP connection of one listener. Everything
// referenced must outlive the connections.
struct imap_service {
    std::string hostname;
    imap::session_limits limits;
    tls_context_store* tls = nullptr; // required for implicit TLS, else STARTTLS is offered
    // Thread-safe: logins of many sessions run on the blocking pool at once.
    imap::login_service* logins = nullptr;
    // Runs the engine, which blocks on Argon2id and SQLite, off the network threads.
    boost::asio::thread_pool* blocking_pool = nullptr;
    // Whether a loopback client may log in without TLS (policies::cleartext_auth_allowed).
    bool cleartext_login_on_loopback = true;
    // How often an idling session checks its mailbox for changes.
    std::chrono::seconds idle_poll_interval{2};
};

// Runs one IMAP session on socket until LOGOUT, an error, a timeout or the client
// leaves. With implicit_tls the TLS handshake comes first. Logs connect, every session
// event and the disconnect with its reason.
boost::asio::awaitable<void> run_imap_connection(boost::asio::ip::tcp::socket socket,
                                                 connection_info info, const imap_service& service,
                                                 bool implicit_tls);

// The response sent to a client over the per-address connection limit.
std::string imap_busy_reply();

} // namespace skrynka::net
