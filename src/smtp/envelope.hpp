// The SMTP envelope of one transaction (RFC 5321 §2.3.1): who sent it, to whom, and how.
#pragma once

#include "src/smtp/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::smtp {

// BODY= of RFC 6152 and RFC 3030; 7BIT when the client sent none.
enum class body_type { seven_bit, eight_bit_mime, binary_mime };

struct envelope {
    // Reverse-path; empty for the null path "<>" of bounces.
    std::optional<mailbox> sender;
    // Accepted forward-paths in RCPT order, without duplicates.
    std::vector<mailbox> recipients;
    // Parallel to `recipients`: the route the deferred recipient check gave each one (the
    // server stores the account id), so delivery need not look it up again. 0 in
    // immediate mode.
    std::vector<std::int64_t> recipient_routes;
    body_type body = body_type::seven_bit;
    // The transaction was opened with the SMTPUTF8 parameter (RFC 6531 §3.4).
    bool smtputf8 = false;

    // Session facts the sink may log or store.
    std::string session_id;     // the connection's session id
    std::string queue_id;       // unique per transaction, also in the Received header
    std::string helo_name;      // argument of EHLO or HELO as the client sent it
    std::string remote_address; // client IP address without port
    bool tls = false;
    // Submission: the account that authenticated (RFC 4954), 0 and empty otherwise.
    std::int64_t sender_account = 0;
    std::string authenticated_user;
};

} // namespace skrynka::smtp
