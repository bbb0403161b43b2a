// DSN formatting; see dsn.hpp.
#include "src/delivery/dsn.hpp"

#include "crypto/encoding.hpp"
#include "crypto/secret.hpp"
#include "src/smtp/trace_header.hpp"

#include <fmt/format.h>

namespace skrynka::delivery {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The header section of message, up to and including the empty line.
std::string header_section(const std::string& message) {
    const std::size_t end = message.find("\r\n\r\n");
    return end == std::string::npos ? message + "\r\n" : message.substr(0, end + 4);
}

} // namespace

std::string enhanced_status_of(const std::string& reply, const std::string& fallback) {
    // "NNN X.Y.Z ...": class, then 1 to 3 digits, then 1 to 3 digits (RFC 3463 §2).
    if (reply.size() < 9 || reply[3] != ' ') {
        return fallback;
    }
    const std::size_t start = 4;
    const std::size_t end = reply.find(' ', start);
    const std::string code = reply.substr(start, end == std::string::npos ? end : end - start);
    if (code.size() < 5 || (code[0] != '2' && code[0] != '4' && code[0] != '5') || code[1] != '.') {
        return fallback;
    }
    std::size_t dots = 0;
    for (std::size_t i = 2; i < code.size(); ++i) {
        if (code[i] == '.') {
            ++dots;
        } else if (!is_digit(code[i])) {
            return fallback;
        }
    }
    return dots == 1 ? code : fallback;
}

std::string format_bounce(const bounce_facts& facts, const std::string& original_message) {
    const crypto::secret_bytes random = crypto::secret_bytes::random(16);
    const std::string token = crypto::hex_encode(random.bytes());
    const std::string boundary = "dsn-" + token;

    std::string text;
    text += fmt::format("From: Mail Delivery System <MAILER-DAEMON@{}>\r\n", facts.reporting_host);
    text += fmt::format("To: <{}>\r\n", facts.sender);
    text += "Subject: Undelivered mail returned to sender\r\n";
    text += fmt::format("Date: {}\r\n", smtp::format_rfc5322_date(facts.now));
    text += fmt::format("Message-ID: <{}@{}>\r\n", token, facts.reporting_host);
    // RFC 3834 §5: an automatic reply, so auto-responders do not reply to it again.
    text += "Auto-Submitted: auto-replied\r\n";
    text += "MIME-Version: 1.0\r\n";
    text += fmt::format("Content-Type: multipart/report; report-type=delivery-status;\r\n"
                        "\tboundary=\"{}\"\r\n\r\n",
                        boundary);

    text += fmt::format("--{}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n", boundary);
    text += "Your message could not be delivered to these recipients:\r\n\r\n";
    for (const failed_recipient& recipient : facts.recipients) {
        text += fmt::format("  <{}>: {}\r\n", recipient.address, recipient.diagnostic);
    }
    text += "\r\n";

    text += fmt::format("--{}\r\nContent-Type: message/delivery-status\r\n\r\n", boundary);
    text += fmt::format("Reporting-MTA: dns; {}\r\n", facts.reporting_host);
    text += fmt::format("Arrival-Date: {}\r\n", smtp::format_rfc5322_date(facts.arrival));
    for (const failed_recipient& recipient : facts.recipients) {
        text += "\r\n";
        text += fmt::format("Final-Recipient: rfc822; {}\r\n", recipient.address);
        text += "Action: failed\r\n";
        text += fmt::format("Status: {}\r\n", recipient.status);
        text += fmt::format("Diagnostic-Code: smtp; {}\r\n", recipient.diagnostic);
    }
    text += "\r\n";

    text += fmt::format("--{}\r\nContent-Type: text/rfc822-headers\r\n\r\n", boundary);
    text += header_section(original_message);
    text += fmt::format("--{}--\r\n", boundary);
    return text;
}

} // namespace skrynka::delivery
