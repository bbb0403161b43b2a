// SMTP client for outbound delivery (RFC 5321 §3 and §4). One attempt goes to one host
// with every recipient of a queue entry. STARTTLS is opportunistic (RFC 3207, RFC 7435):
// the certificate check is recorded, not enforced. The message is dot-stuffed (RFC 5321
// §4.5.2).
#pragma once

#include "crypto/secret.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace skrynka::delivery {

enum class recipient_status {
    delivered, // the server took responsibility (2xx after the data)
    temporary, // 4xx or no reply: try again later
    permanent, // 5xx: bounce to the sender
};

struct recipient_result {
    std::string address;
    recipient_status status = recipient_status::temporary;
    std::string reply; // the server's reply in one line, or why there was none
};

struct attempt_result {
    std::vector<recipient_result> recipients; // in the order they were given
    // "none", or the TLS version with "verified" or "unverified" and the reason.
    std::string tls = "none";
    // True when the host was reached and spoke SMTP, so the next MX host is not tried.
    bool reached = false;
};

struct client_settings {
    std::string client_name;                          // our EHLO name
    std::chrono::seconds command_timeout{300};        // RFC 5321 §4.5.3.2.2 to .4
    std::chrono::seconds data_termination_timeout{600}; // RFC 5321 §4.5.3.2.6
    // Smarthost mode: TLS is required and its certificate check must pass, either by
    // STARTTLS or, with implicit_tls, from the first octet (RFC 8314). Without TLS, or
    // with a failed check, the attempt fails temporarily before any command is sent.
    bool require_tls = false;
    bool implicit_tls = false;
    // AUTH PLAIN (RFC 4954) after TLS when username is not empty; password must then be
    // set and outlive the call.
    std::string username;
    const crypto::secret_bytes* password = nullptr;
};

// Connects to host:port (a name or an IP literal) and offers the message. The message
// is the raw RFC 5322 text with CR LF line ends. Never throws: every failure becomes a
// recipient status and a reply text. tls_context must outlive the call.
boost::asio::awaitable<attempt_result>
send_to_host(boost::asio::any_io_executor executor, std::string host, std::uint16_t port,
             const client_settings& settings, std::string sender,
             std::vector<std::string> recipients, const std::string& message,
             boost::asio::ssl::context& tls_context);

// Returns message with every line that starts with "." given one more "." and a final
// CR LF when the message does not end in one, followed by the ".\r\n" end of data.
std::string stuff_for_data(const std::string& message);

} // namespace skrynka::delivery
