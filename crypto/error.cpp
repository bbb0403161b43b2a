#include "crypto/error.hpp"

namespace skrynka::crypto {
namespace {

class crypto_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "crypto"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::authentication_failed:
            return "authentication failed";
        case errc::invalid_format:
            return "invalid format";
        case errc::unsupported_version:
            return "unsupported format version";
        case errc::invalid_argument:
            return "invalid argument";
        case errc::key_derivation_failed:
            return "key derivation failed";
        }
        return "unknown crypto error";
    }
};

} // namespace

const std::error_category& crypto_category() noexcept {
    static const crypto_category_impl category;
    return category;
}

std::error_code make_error_code(errc code) noexcept {
    return {static_cast<int>(code), crypto_category()};
}

crypto_error::crypto_error(errc code, const std::string& what)
    : std::system_error(make_error_code(code), what) {}

} // namespace skrynka::crypto
