// Starts SMTP receiving (port 25, RFC 5321) for `skrynka serve`.
#pragma once

#include "src/server/server_context.hpp"

namespace skrynka::app::server {

// Listens on every address of [smtp] listen and runs net::run_smtp_connection on each
// connection, with the limits from [limits], STARTTLS when a certificate is loaded, and
// an smtp_receiver as backend. Does nothing when the
// list is empty. context.stop() stops accepting. Throws boost::system::system_error when
// an address cannot be bound.
void start_smtp_service(server_context& context);

} // namespace skrynka::app::server
