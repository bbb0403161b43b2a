// The IMAP service of `skrynka serve`: listeners on [imap] listen (STARTTLS) and
// listen_tls (implicit TLS), and logins that unlock an account's key slots.
#pragma once

#include "src/config/settings.hpp"
#include "src/net/tls_context.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"

#include <boost/asio/io_context.hpp>
#include <memory>

namespace skrynka::app::server {

// Owns the IMAP listeners and the blocking pool their sessions run on.
// NOTE: this is a minimal start-up of its own. Once a shared server context exists, the
// pool, directory executor and TLS store should come from there.
class imap_server {
  public:
    // directory, settings, tls and audit must outlive the server. tls may be null when no
    // TLS listener is configured, and then STARTTLS is not offered. Every login attempt
    // is recorded in audit before its reply.
    imap_server(boost::asio::io_context& io_context, const config::settings& settings,
                storage::directory& directory, net::tls_context_store* tls,
                storage::audit_writer& audit);
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
