#include "src/config/listen_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <fmt/format.h>

namespace skrynka::app::config {

std::string listen_address::text() const {
    if (host.find(':') != std::string::npos) {
        return fmt::format("[{}]:{}", host, port);
    }
    return fmt::format("{}:{}", host, port);
}

std::optional<listen_address> parse_listen_address(std::string_view text, std::string& reason) {
    const std::string expected_form =
        "expected host:port with an IP address, such as 0.0.0.0:25 or [::1]:25";

    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        reason = fmt::format("'{}' has no port: {}", text, expected_form);
        return std::nullopt;
    }
    std::string_view host = text.substr(0, colon);
    std::string_view port_text = text.substr(colon + 1);

    bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) {
        host = host.substr(1, host.size() - 2);
    }

    boost::system::error_code parse_error;
    auto ip = boost::asio::ip::make_address(std::string(host), parse_error);
    // An IPv6 literal must be bracketed, or "::1:25" would be ambiguous.
    if (parse_error || ip.is_v6() != bracketed) {
        reason = fmt::format("'{}' is not a valid listen address: {}", text, expected_form);
        return std::nullopt;
    }

    unsigned port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        reason = fmt::format("'{}' has an invalid port: expected 1 to 65535", text);
        return std::nullopt;
    }
    return listen_address{ip.to_string(), static_cast<std::uint16_t>(port)};
}

} // namespace skrynka::app::config
