// SASL PLAIN (RFC 4616), shared by SMTP AUTH (RFC 4954), IMAP AUTHENTICATE (RFC 3501
// section 6.2.2) and POP3 AUTH (RFC 5034). The cancel response "*" is a protocol
// matter; callers check for it before decoding.
#pragma once

#include "crypto/secret.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace skrynka::auth {

// A decoded PLAIN response: "[authzid] NUL authcid NUL passwd". The password stays in
// guarded memory from the moment it is decoded.
struct plain_credentials {
    std::string authorization_identity; // authzid; equal to authcid when it was empty
    std::string authentication_identity; // authcid: the login name
    crypto::secret_bytes password;
};

enum class sasl_error {
    malformed,            // not base64, not three fields, an empty authcid or password,
                          // a field over 255 octets, or a NUL inside a field
    authorization_denied, // authzid names someone other than authcid, and skrynka
                          // lets no user act as another
};

// Maximum octets of each field. RFC 4616 section 2 requires servers to accept at least 255.
inline constexpr std::size_t max_plain_field_size = 255;

// Decodes a base64 PLAIN response (RFC 4648 section 4 alphabet with padding). An empty
// authzid means "act as authcid"; an authzid equal to authcid is accepted as the same
// request. Addresses are compared in the directory's canonical form, so "Alice@Example.org"
// and "alice@example.org" name one identity.
std::variant<plain_credentials, sasl_error> decode_sasl_plain(std::string_view response);

} // namespace skrynka::auth
