// The one place where the POP3 engine reaches the login code it shares with IMAP and
// SMTP submission: SASL PLAIN decoding (RFC 4616).
#pragma once

#include "crypto/secret.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace skrynka::pop3::shared_auth {

// TODO: replace this stand-in with src/auth/sasl_plain.hpp once it is on main. The
// names and results below are the same, so only this header and its .cpp change.
struct plain_credentials {
    std::string authorization_identity;  // authzid; equal to authcid when it was empty
    std::string authentication_identity; // authcid: the login name
    crypto::secret_bytes password;
};

enum class sasl_error {
    malformed,            // not base64, not three fields, an empty authcid or password
    authorization_denied, // authzid names someone other than authcid
};

// Decodes a base64 PLAIN response "[authzid] NUL authcid NUL passwd".
std::variant<plain_credentials, sasl_error> decode_sasl_plain(std::string_view response);

} // namespace skrynka::pop3::shared_auth
