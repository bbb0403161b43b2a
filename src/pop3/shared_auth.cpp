// Stand-in SASL PLAIN decoder; see shared_auth.hpp.
#include "src/pop3/shared_auth.hpp"

#include "crypto/encoding.hpp"

#include <algorithm>

namespace skrynka::pop3::shared_auth {

std::variant<plain_credentials, sasl_error> decode_sasl_plain(std::string_view response) {
    std::optional<crypto::secret_bytes> decoded = crypto::base64_decode_secret(response);
    if (!decoded) {
        return sasl_error::malformed;
    }
    const std::span<const unsigned char> bytes = decoded->bytes();
    const auto first = std::find(bytes.begin(), bytes.end(), 0);
    if (first == bytes.end()) {
        return sasl_error::malformed;
    }
    const auto second = std::find(first + 1, bytes.end(), 0);
    if (second == bytes.end() || std::find(second + 1, bytes.end(), 0) != bytes.end()) {
        return sasl_error::malformed;
    }

    plain_credentials credentials;
    const std::string authzid(bytes.begin(), first);
    credentials.authentication_identity.assign(first + 1, second);
    const std::span<const unsigned char> password(second + 1, bytes.end());
    if (credentials.authentication_identity.empty() || password.empty()) {
        return sasl_error::malformed;
    }
    if (!authzid.empty() && authzid != credentials.authentication_identity) {
        return sasl_error::authorization_denied;
    }
    credentials.authorization_identity = credentials.authentication_identity;
    credentials.password = crypto::secret_bytes::copy_of(password);
    return credentials;
}

} // namespace skrynka::pop3::shared_auth
