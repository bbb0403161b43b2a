#include "policies/auth_policy.hpp"

namespace skrynka::policies {

bool cleartext_auth_allowed(bool tls_active, const boost::asio::ip::address& remote,
                            bool loopback_exempt) {
    if (tls_active) {
        return true;
    }
    if (!loopback_exempt) {
        return false;
    }
    // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d, so judge the IPv4 address.
    if (remote.is_v6() && remote.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, remote.to_v6())
            .is_loopback();
    }
    return remote.is_loopback();
}

} // namespace skrynka::policies
