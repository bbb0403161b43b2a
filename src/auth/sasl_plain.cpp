#include "src/auth/sasl_plain.hpp"

#include "crypto/encoding.hpp"
#include "storage/address.hpp"
#include "storage/error.hpp"

#include <algorithm>
#include <span>

namespace skrynka::auth {
namespace {

// Returns the canonical address when name is one, else name unchanged, so that two
// spellings of one address compare equal and anything else compares bytewise.
std::string comparable_identity(const std::string& name) {
    try {
        return storage::canonical_address(name);
    } catch (const storage::storage_error&) {
        return name;
    }
}

std::string text_of(std::span<const unsigned char> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

} // namespace

std::variant<plain_credentials, sasl_error> decode_sasl_plain(std::string_view response) {
    // The decoded response contains the password, so it goes straight to guarded memory.
    auto decoded = crypto::base64_decode_secret(response);
    if (!decoded) {
        return sasl_error::malformed;
    }

    const std::span<const unsigned char> bytes = decoded->bytes();
    const auto first_nul = std::find(bytes.begin(), bytes.end(), 0);
    if (first_nul == bytes.end()) {
        return sasl_error::malformed;
    }
    const auto second_nul = std::find(first_nul + 1, bytes.end(), 0);
    if (second_nul == bytes.end() || std::find(second_nul + 1, bytes.end(), 0) != bytes.end()) {
        return sasl_error::malformed;
    }

    const std::span<const unsigned char> authzid(bytes.begin(), first_nul);
    const std::span<const unsigned char> authcid(first_nul + 1, second_nul);
    const std::span<const unsigned char> password(second_nul + 1, bytes.end());
    if (authcid.empty() || password.empty() || authzid.size() > max_plain_field_size ||
        authcid.size() > max_plain_field_size || password.size() > max_plain_field_size) {
        return sasl_error::malformed;
    }

    plain_credentials credentials;
    credentials.authentication_identity = text_of(authcid);
    credentials.authorization_identity =
        authzid.empty() ? credentials.authentication_identity : text_of(authzid);
    if (comparable_identity(credentials.authorization_identity) !=
        comparable_identity(credentials.authentication_identity)) {
        return sasl_error::authorization_denied;
    }
    credentials.password = crypto::secret_bytes::copy_of(password);
    return credentials;
}

} // namespace skrynka::auth
