// POP3 for `skrynka serve`: listeners on [pop3] listen (STLS offered when a certificate
// is configured) and [pop3] listen_tls (implicit TLS, the POP3S port), on the shared
// server context.
#pragma once

#include "src/server/server_context.hpp"

namespace skrynka::app::server {

// Listens on every address of [pop3] listen and listen_tls and runs
// net::run_pop3_connection on each connection. Logins go through the context's
// unlocker, login throttle and account session registry, so they share the key cache,
// the failure count and the maildrop lock with the other protocols. Logins and expunges
// are recorded in audit on the context's directory executor; audit must outlive the
// context's run(). context.stop() stops accepting, and sessions still open end without
// the UPDATE state, so they delete nothing.
//
// Throws std::runtime_error when [pop3] listen_tls is set without a certificate, and
// boost::system::system_error when an address cannot be bound. Logins and expunges are
// recorded through the context's audit writer.
void start_pop3_service(server_context& context);

} // namespace skrynka::app::server
