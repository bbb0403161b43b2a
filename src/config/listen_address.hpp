// A listener address, written "host:port" in the config file: an IPv4 literal
// ("0.0.0.0:25") or an IPv6 literal in brackets ("[::]:25").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::app::config {

// NOTE: the default config lists both 0.0.0.0 and [::] for a port, so a listener that
// binds [::] must set IPV6_V6ONLY, or the second bind fails with "address in use".
struct listen_address {
    // The IP literal without brackets, for example "::1".
    std::string host;
    std::uint16_t port = 0;

    // Returns the config form, "127.0.0.1:25" or "[::1]:25".
    std::string text() const;

    friend bool operator==(const listen_address&, const listen_address&) = default;
};

// Parses "host:port". Returns nothing and sets reason when the text is not an IP literal
// and a port from 1 to 65535. Host names are rejected, because binding a name would
// depend on DNS at start-up.
std::optional<listen_address> parse_listen_address(std::string_view text, std::string& reason);

} // namespace skrynka::app::config
