// SMTP connection loop: drives an smtp::session over a TCP socket, upgrading the same
// socket to TLS on STARTTLS (RFC 3207) with the input buffer discarded.
#pragma once

#include "src/net/listener.hpp"
#include "src/net/smtp_backend.hpp"
#include "src/net/tls_context.hpp"
#include "src/smtp/delivery_sink.hpp"
#include "src/smtp/limits.hpp"
#include "src/smtp/recipient_policy.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

namespace skrynka::net {

// Settings and services shared by every SMTP connection of one listener. Everything
// referenced must outlive the connections.
struct smtp_service {
    // The proto field of log lines: "smtp", "submission" or "submissions".
    std::string proto = "smtp";
    std::string hostname;
    // Submission mode of smtp::session (ports 587 and 465).
    bool submission = false;
    // Whether the Received field names the client's EHLO name and IP address.
    bool received_names_client = true;
    // TLS handshake before the greeting (RFC 8314 §3, port 465); needs `tls`.
    bool implicit_tls = false;
    smtp::smtp_limits limits;
    tls_context_store* tls = nullptr; // STARTTLS is offered only when set
    // Either `backend` (the server: the session runs in deferred mode and the
    // connection loop awaits the backend) or both `policy` and `sink` (tests: they are
    // called on the I/O thread in the middle of the session).
    smtp_backend* backend = nullptr;
    smtp::recipient_policy* policy = nullptr;
    smtp::delivery_sink* sink = nullptr;
    smtp::authenticator* users = nullptr; // tests in immediate mode with AUTH
};

// Runs one SMTP session on `socket` until QUIT, an error, a timeout or the client leaves.
// Logs connect, every session event and the disconnect with its reason and counts.
boost::asio::awaitable<void> run_smtp_connection(boost::asio::ip::tcp::socket socket,
                                                 connection_info info, const smtp_service& service);

// The reply sent to a client over the per-address connection limit.
std::string smtp_busy_reply(const std::string& hostname);

} // namespace skrynka::net
