// The IMAP4rev1 session engine (RFC 3501 section 3 states): pure code over bytes. The
// network loop feeds it client octets and writes back what it returns. Storage and login
// are reached through mail_access and login_service, which may block, so the loop runs
// feed() off the network threads.
#pragma once

#include "src/imap/mail_access.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::imap {

// Limits of one session, from policies::limit_values.
struct session_limits {
    std::size_t line_max = 65536;
    std::uint64_t literal_max = 65536;
    std::uint64_t literal_max_unauthenticated = 1024;
    std::uint64_t append_max = 50 * 1024 * 1024;
    std::size_t commands_before_auth = 30;
    std::chrono::seconds idle_timeout{1860};
    std::chrono::seconds idle_timeout_unauthenticated{60};
};

struct session_config {
    std::string hostname;
    session_limits limits;
    bool tls_active = false;    // implicit TLS
    bool tls_available = false; // STARTTLS may be offered on a plain connection
    // LOGIN and AUTHENTICATE are allowed before TLS (the client is on loopback and the
    // policy allows it). After TLS they are always allowed.
    bool cleartext_login_allowed = false;
    // The client's IP address, for the audit records of logins and against which failed
    // logins are counted.
    std::string remote_address;
    // The connection, which the server may ask to end (see net::session_end).
    std::shared_ptr<net::session_end> end = std::make_shared<net::session_end>();
};

enum class next_step {
    read,      // write the output, then read more
    start_tls, // write the output, then run the TLS handshake and call tls_started()
    close,     // write the output, then close the connection
};

struct session_output {
    std::string replies;
    next_step step = next_step::read;
    std::vector<std::string> events; // key=value log fields, one event each
};

struct session_state;

// Not thread-safe: one engine per connection, called by one thread at a time.
class session {
  public:
    session(session_config config, login_service& logins);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    session_output greet();
    // Consumes client octets and returns every response they cause.
    session_output feed(std::string_view input);
    // Called after a successful STARTTLS handshake.
    session_output tls_started();
    // Checks the selected mailbox for changes by other sessions; only during IDLE does
    // this send anything.
    session_output poll();
    // Ends the session for inactivity with BYE.
    session_output timed_out();
    // Ends the session with BYE because the server closed the account (it was wiped).
    session_output account_closed();

    // How long the engine waits for the next octets before timed_out().
    std::chrono::seconds read_timeout() const;
    bool idling() const;
    // The account's name after login, else empty.
    std::string account() const;

  private:
    std::unique_ptr<session_state> state_;
};

} // namespace skrynka::imap
