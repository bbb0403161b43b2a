// POP3 for `skrynka serve`: listeners on [pop3] listen (STLS offered when a certificate
// is configured) and [pop3] listen_tls (implicit TLS, the POP3S port), with everything
// their sessions share.
#pragma once

#include "src/config/settings.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"

#include <boost/asio/io_context.hpp>
#include <memory>

namespace skrynka::app::server {

// TODO: a stand-in for the shared server context (I/O threads, blocking pool, directory
// executor, TLS store) that SMTP and IMAP will use too. Once that exists, this becomes
// start_pop3_service(server_context&), and the account session registry and the login
// throttle move into the context so that IMAP shares them.
//
// Runs on one I/O thread (the caller of io().run()) and a small blocking pool.
class pop3_server {
  public:
    // Loads the TLS certificate when [tls] names one. Throws std::runtime_error when it
    // cannot, or when [pop3] listen_tls is set without a certificate. directory and
    // audit must outlive this object. From start() on, directory is used only on its
    // executor.
    pop3_server(const config::settings& settings, storage::directory& directory,
                storage::audit_writer& audit);
    // Waits for blocking work already queued, then ends every session without UPDATE.
    ~pop3_server();
    pop3_server(const pop3_server&) = delete;
    pop3_server& operator=(const pop3_server&) = delete;

    boost::asio::io_context& io();

    // Binds the listeners. Throws boost::system::system_error when an address cannot be
    // bound.
    void start();

    // Waits for the blocking work already queued (directory and mailbox calls). Call it
    // after io().run() has returned.
    void join();

    // Stops accepting and stops io(). Sessions still open end without the UPDATE state,
    // so they delete nothing. Call it on io()'s thread.
    void stop();

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace skrynka::app::server
