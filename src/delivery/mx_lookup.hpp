// Finding the hosts that take mail for a domain (RFC 5321 §5.1): its MX records in
// preference order, the domain itself when it has no MX records (implicit MX), and no
// host at all for a null MX (RFC 7505). DNS queries go through c-ares.
#pragma once

#include <string>
#include <vector>

namespace skrynka::delivery {

enum class mx_status {
    found,     // hosts lists at least one host to try
    no_mail,   // the domain does not exist or publishes a null MX: a permanent failure
    dns_error, // the resolver failed or timed out: try again later
};

struct mx_result {
    mx_status status = mx_status::dns_error;
    std::vector<std::string> hosts; // host names, lowest preference value first
    std::string error;              // for dns_error and no_mail, one line for the log
};

// Looks up the MX records of domain (ASCII, lowercase) with the system resolver
// configuration. Blocking, for up to about 30 seconds: call it off the I/O threads.
// Thread-safe: every call uses its own c-ares channel.
mx_result find_mail_hosts(const std::string& domain);

} // namespace skrynka::delivery
