// Rules for messages submitted on ports 587 and 465. The envelope sender and the header
// From and Sender must be addresses of the authenticated account, and the server adds a
// missing Date or Message-ID (RFC 6409 §8). Pure functions over bytes.
#pragma once

#include "src/smtp/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp {

// True when address (local@domain as sent) is one of own_addresses (canonical,
// lowercase) after case folding, also in the subaddress form "base+tag@domain" of an
// own "base@domain". Quoted local parts and other unparsable forms are never own.
bool is_own_address(std::string_view address, const std::vector<std::string>& own_addresses);

// Checks the header From (every mailbox in it) and Sender (when present) of message.
// Returns header_from_missing when there is no From field or it contains no address,
// header_sender_not_owned when any of those addresses is not own, and nothing when the
// message may be sent.
std::optional<errc> check_header_senders(std::string_view message,
                                         const std::vector<std::string>& own_addresses);

// Returns the header lines to put in front of message so that it has a Date and a
// Message-ID (RFC 6409 §8.2 and §8.3), each ending in CR LF, or an empty string when it
// has both.
// The Message-ID is "<random@hostname>" with 128 random bits.
std::string missing_header_fields(std::string_view message, std::string_view hostname,
                                  std::chrono::system_clock::time_point now);

} // namespace skrynka::smtp
