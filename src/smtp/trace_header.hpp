// Trace fields a final-delivery SMTP server prepends (RFC 5321 §4.4): Return-Path with
// the reverse-path, and a Received time stamp line with the protocol names of RFC 3848
// and RFC 6531.
#pragma once

#include "src/smtp/envelope.hpp"

#include <chrono>
#include <string>

namespace skrynka::smtp {

struct trace_facts {
    std::string our_hostname;
    bool esmtp = true;       // EHLO rather than HELO
    std::string tls_version; // empty without TLS
    std::string tls_cipher;
    std::chrono::system_clock::time_point received_at;
    // false: the Received field starts at BY, without the client's EHLO name and address.
    bool names_client = true;
};

// Formats "Return-Path: <...>" CR LF followed by one folded "Received:" field ending in
// CR LF. The "for" clause names the recipient only when there is exactly one, so one
// recipient's copy does not list the others. Without facts.names_client the FROM clause
// is left out. NOTE: RFC 5321 §4.4's Stamp grammar has a FROM clause, so that form
// follows only the looser Received grammar of RFC 5322 §3.6.7.
std::string format_trace_headers(const envelope& transaction, const trace_facts& facts);

// Formats `time` as an RFC 5322 §3.3 date-time in UTC, e.g. "Fri, 04 Dec 2026 21:13:46 +0000".
std::string format_rfc5322_date(std::chrono::system_clock::time_point time);

// Formats an IP address as an RFC 5321 §4.1.3 address literal: "[192.0.2.1]" or
// "[IPv6:2001:db8::1]"; a value that is not an IP address becomes "[unknown]".
std::string format_address_literal(const std::string& ip_address);

} // namespace skrynka::smtp
