// Delivery from the outbound queue for `skrynka serve`: every few seconds it takes the
// due entries, finds the recipient domain's hosts ([delivery.mx_override], else MX with
// the A/AAAA fallback of RFC 5321 §5.1), makes one attempt per entry with all of its
// recipients, and then removes the entry, reschedules it with backoff, or bounces the
// failed recipients with an RFC 3464 DSN into the sender's INBOX.
#pragma once

#include "crypto/secret.hpp"
#include "src/server/server_context.hpp"
#include "storage/executor.hpp"
#include "storage/outbound_queue.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace skrynka::app::server {

class outbound_worker : public std::enable_shared_from_this<outbound_worker> {
  public:
    // Everything referenced must outlive the worker; `queue` is used only on
    // `queue_executor`. Reads the smarthost password file and CA file when configured,
    // and throws std::runtime_error naming the file when one cannot be read.
    outbound_worker(server_context& context, storage::outbound_queue& queue,
                    storage::executor& queue_executor);

    // Starts the loop on the context's I/O threads, and stops it with context.stop().
    void start();

  private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> attempt(storage::queue_entry entry);

    server_context& context_;
    storage::outbound_queue& queue_;
    storage::executor& queue_executor_;
    storage::executor dns_executor_;
    boost::asio::ssl::context tls_;
    // For the smarthost: its CA file besides the system's, and its password.
    boost::asio::ssl::context smarthost_tls_;
    crypto::secret_bytes smarthost_password_;
    boost::asio::steady_timer timer_;
};

} // namespace skrynka::app::server
