// Delivery status notifications (RFC 3464, RFC 3462 multipart/report) for messages the
// outbound queue could not deliver: what the sender finds in their INBOX.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace skrynka::delivery {

struct failed_recipient {
    std::string address;
    std::string status;     // enhanced status code (RFC 3463), e.g. "5.1.1" or "4.4.7"
    std::string diagnostic; // the remote reply or our reason, one printable line
};

struct bounce_facts {
    std::string reporting_host; // our host name
    std::string sender;         // the original envelope sender, who gets the report
    std::chrono::system_clock::time_point arrival;
    std::chrono::system_clock::time_point now;
    std::vector<failed_recipient> recipients;
};

// Returns the enhanced status code at the start of a reply text such as
// "550 5.1.1 no such user", or fallback when the reply has none.
std::string enhanced_status_of(const std::string& reply, const std::string& fallback);

// Formats the DSN message: a text part, the message/delivery-status part with one
// per-recipient block each (Action: failed) and the original header section as
// text/rfc822-headers. The original body is not returned, so a bounce never carries
// more of the message than the sender's own Sent copy already has.
std::string format_bounce(const bounce_facts& facts, const std::string& original_message);

} // namespace skrynka::delivery
