// Server TLS contexts built from a certificate chain file and a private key file, both
// PEM as ACME clients write them. TLS 1.2 is the minimum and TLS 1.3 is preferred
// (RFC 8996 retires TLS 1.0 and 1.1). A store swaps in a new context on reload.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <mutex>

namespace skrynka::net {

// Builds a server context from `certificate_file` (chain, leaf first) and `key_file`.
// Throws std::runtime_error naming the file and the OpenSSL reason when either cannot be
// loaded or the key does not match the certificate.
std::shared_ptr<boost::asio::ssl::context>
make_server_tls_context(const std::filesystem::path& certificate_file,
                        const std::filesystem::path& key_file);

// The current server context, replaceable while connections run. Thread-safe.
class tls_context_store {
  public:
    // Loads the files once; throws like make_server_tls_context().
    tls_context_store(std::filesystem::path certificate_file, std::filesystem::path key_file);

    // Loads the files again and makes the new context current. On failure it logs the
    // error, keeps the old context and returns false, so a bad renewal never stops TLS.
    bool reload();

    // The context for new handshakes. Connections keep the one they started with.
    std::shared_ptr<boost::asio::ssl::context> current() const;

  private:
    std::filesystem::path certificate_file_;
    std::filesystem::path key_file_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> context_;
};

} // namespace skrynka::net
