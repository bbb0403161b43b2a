// When a password may be presented. A password sent over cleartext can be read by
// anyone on the path, so it is accepted only inside TLS, or from the loopback interface
// where no network path exists (a local fetchmail or a test client).
#pragma once

#include <boost/asio/ip/address.hpp>

namespace skrynka::policies {

// Returns whether a session may offer and accept LOGIN, AUTH or USER/PASS. Inside TLS
// it always may. Over cleartext it may only when loopback_exempt is set and remote is a
// loopback address (127.0.0.0/8, ::1, or an IPv4-mapped 127.x address).
bool cleartext_auth_allowed(bool tls_active, const boost::asio::ip::address& remote,
                            bool loopback_exempt = true);

} // namespace skrynka::policies
