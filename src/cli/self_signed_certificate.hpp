// The self-signed TLS certificate that `skrynka init` writes so that a first run can
// offer TLS before the operator installs a certificate from a public CA.
#pragma once

#include "crypto/secret.hpp"

#include <string>

namespace skrynka::app::cli {

struct self_signed_certificate {
    // X.509 certificate in PEM.
    std::string certificate_pem;
    // The PKCS #8 private key in PEM ("BEGIN PRIVATE KEY"), in secret memory.
    crypto::secret_bytes private_key_pem;
};

// Makes a new ECDSA P-256 key and a certificate signed by it with SHA-256, valid for
// 365 days from now, with common name and SubjectAltName DNS:hostname, plus
// IP:127.0.0.1 when include_loopback is true. Extended key usage is TLS server
// authentication. Throws Botan::Exception when key generation or signing fails.
self_signed_certificate make_self_signed_certificate(const std::string& hostname,
                                                     bool include_loopback);

} // namespace skrynka::app::cli
