// Starts the submission listeners for `skrynka serve`: port 587 with STARTTLS required
// before AUTH (RFC 6409, RFC 3207) and port 465 with implicit TLS (RFC 8314 §3).
#pragma once

#include "src/server/server_context.hpp"

namespace skrynka::app::server {

// Listens on [submission] listen and listen_tls and runs net::run_smtp_connection in
// submission mode on each connection, with a submission_backend shared by both. Does
// nothing when both lists are empty. Throws std::runtime_error when a list is set but
// no certificate is loaded, because AUTH is offered only over TLS, and
// boost::system::system_error when an address cannot be bound. context.stop() stops
// accepting.
void start_submission_service(server_context& context);

} // namespace skrynka::app::server
