// One connection to the admin endpoint: HTTP/1.1 (RFC 9112) with keep-alive, over plain
// TCP or implicit TLS. Requests are read with the header and body limits and the request
// timeout of [limits]; a request that breaks them or is malformed gets a JSON 4xx and the
// connection closes.
#pragma once

#include "src/admin/admin_router.hpp"
#include "src/net/listener.hpp"
#include "src/net/tls_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>

namespace skrynka::app::admin {

struct session_limits {
    std::uint32_t header_max_bytes = 8192;
    std::uint64_t body_max_bytes = 65536;
    std::chrono::seconds request_timeout{30};
};

struct session_service {
    admin_router* router = nullptr;
    session_limits limits;
    // Set for the listen_tls listeners; null for plain HTTP.
    net::tls_context_store* tls = nullptr;
};

boost::asio::awaitable<void> run_admin_session(boost::asio::ip::tcp::socket socket,
                                               net::connection_info info,
                                               const session_service& service);

} // namespace skrynka::app::admin
