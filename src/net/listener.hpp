// TCP listener: accepts on the configured addresses and runs one coroutine per
// connection, after checking the per-address connection limit.
#pragma once

#include "src/net/connection_limiter.hpp"
#include "src/net/session_end.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace skrynka::net {

// Facts about an accepted connection, for the handler and its log lines.
struct connection_info {
    std::string session_id;     // 16 hex digits, random, unique per connection in practice
    std::string remote_address; // IP address without port
    unsigned short remote_port = 0;
    // Lets the server end the session from outside, as a wipe of its account does.
    std::shared_ptr<session_end> end = std::make_shared<session_end>();
};

// Runs one connection to its end. The socket's executor is a strand of its own.
using connection_handler =
    std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket, connection_info)>;

struct listener_config {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    std::string proto; // "smtp", for log lines
    std::size_t connections_per_address_max = 10;
    // Sent before closing a connection over the per-address limit, e.g. an SMTP 421.
    std::string busy_reply;
};

class listener {
  public:
    listener(boost::asio::any_io_executor executor, listener_config config,
             connection_handler handler);
    ~listener();

    // Binds and listens on every endpoint and starts accepting. Throws
    // boost::system::system_error when an address cannot be bound.
    void start();

    // Stops accepting, from any thread. Connections already running continue to their end.
    void stop();

    // Changes the per-address connection limit for connections accepted from now on,
    // from any thread. Connections already open are kept.
    void set_connections_per_address_max(std::size_t max);

    // The bound endpoints, with the real port where the config asked for port 0.
    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;

  private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace skrynka::net
