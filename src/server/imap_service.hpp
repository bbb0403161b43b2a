// The IMAP service of `skrynka serve`: listeners on [imap] listen (STARTTLS) and
// listen_tls (implicit TLS), and logins that unlock an account's key slots.
#pragma once

#include "src/server/server_context.hpp"

#include <memory>

namespace skrynka::app::server {

// Owns the IMAP listeners. Sessions run on the context's blocking pool and log in
// through its unlocker and login throttle.
class imap_server {
  public:
    // context must outlive the server. Every login attempt is recorded in the context's
    // audit writer before its reply.
    explicit imap_server(server_context& context);
    ~imap_server();

    // Binds every configured address. Throws boost::system::system_error when one cannot
    // be bound.
    void start();
    // Stops accepting; running sessions continue to their end.
    void stop();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace skrynka::app::server
