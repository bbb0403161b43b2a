// Starts the admin endpoint for `skrynka serve`: HTTP on [admin] listen and HTTPS with
// the [tls] certificate on [admin] listen_tls.
#pragma once

#include "src/admin/admin_store.hpp"
#include "src/server/server_context.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace skrynka::app::admin {

// Binds the listeners and serves them on context's I/O threads. Every store call runs on
// store_executor, which must be the one executor that uses the directory's audit log
// (the audit log is not thread-safe). store must outlive the context's run(). Does
// nothing when both lists are empty. Throws boost::system::system_error when an address
// cannot be bound, and std::runtime_error when listen_tls is set without a certificate.
void start_admin_service(server::server_context& context, admin_store& store,
                         boost::asio::any_io_executor store_executor);

} // namespace skrynka::app::admin
