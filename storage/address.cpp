#include "storage/address.hpp"

#include "storage/error.hpp"

namespace skrynka::storage {

namespace {

constexpr std::size_t max_local_part = 64; // RFC 5321 section 4.5.3.1.1
constexpr std::size_t max_domain = 253;    // the DNS limit on a name written as text

[[noreturn]] void invalid(std::string_view reason) {
    // The address stays out of the message because it is untrusted text bound for logs.
    throw storage_error(errc::invalid_argument, {}, "invalid address: " + std::string(reason));
}

} // namespace

std::string canonical_address(std::string_view address) {
    const auto at = address.find('@');
    if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
        invalid("it must contain exactly one '@'");
    }
    const std::string_view local = address.substr(0, at);
    const std::string_view domain = address.substr(at + 1);
    if (local.empty() || local.size() > max_local_part) {
        invalid("the local part must be 1 to 64 bytes");
    }
    if (domain.empty() || domain.size() > max_domain) {
        invalid("the domain must be 1 to 253 bytes");
    }

    std::string canonical;
    canonical.reserve(address.size());
    for (char c : address) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f || c == '<' || c == '>') {
            invalid("it contains a control character, space or angle bracket");
        }
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        canonical.push_back(c);
    }
    return canonical;
}

subaddress split_subaddress(std::string_view canonical) {
    const auto at = canonical.rfind('@');
    const auto plus = canonical.find('+');
    if (plus == std::string_view::npos || at == std::string_view::npos || plus > at) {
        return {std::string(canonical), {}, false};
    }
    subaddress result;
    result.base = std::string(canonical.substr(0, plus)) + std::string(canonical.substr(at));
    result.tag = std::string(canonical.substr(plus + 1, at - plus - 1));
    result.has_tag = true;
    return result;
}

} // namespace skrynka::storage
