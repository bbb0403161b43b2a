#include "src/admin/admin_token.hpp"

#include <algorithm>

namespace skrynka::app::admin {

namespace {

constexpr std::size_t token_random_bytes = 32;
constexpr std::size_t label_max_size = 64;

} // namespace

crypto::secret_bytes generate_admin_token() {
    static constexpr char digits[] = "0123456789abcdef";
    const crypto::secret_bytes random = crypto::secret_bytes::random(token_random_bytes);
    crypto::secret_bytes token(admin_token_prefix.size() + 2 * token_random_bytes);
    std::copy(admin_token_prefix.begin(), admin_token_prefix.end(), token.data());
    unsigned char* out = token.data() + admin_token_prefix.size();
    for (const unsigned char octet : random.bytes()) {
        *out++ = static_cast<unsigned char>(digits[octet >> 4]);
        *out++ = static_cast<unsigned char>(digits[octet & 0x0f]);
    }
    return token;
}

crypto::digest hash_admin_token(std::span<const unsigned char> token) {
    return crypto::hash(token);
}

std::optional<std::string> match_admin_token(const std::vector<storage::admin_token>& stored,
                                             std::string_view presented) {
    const crypto::digest presented_hash = hash_admin_token(std::span<const unsigned char>(
        reinterpret_cast<const unsigned char*>(presented.data()), presented.size()));
    const crypto::secret_bytes expected = crypto::secret_bytes::copy_of(presented_hash);

    std::optional<std::string> match;
    for (const storage::admin_token& token : stored) {
        // secret_bytes::equals compares in constant time.
        if (expected.equals(token.hash) && !match) {
            match = token.label;
        }
    }
    return match;
}

bool is_valid_admin_token_label(std::string_view label) {
    if (label.empty() || label.size() > label_max_size) {
        return false;
    }
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

} // namespace skrynka::app::admin
