// Ready-made audit entries for the events that protocol sessions and delivery record,
// so that every caller writes the same detail fields in the same form, and none passes
// free text where a count or a class belongs. All functions are thread-safe.
#pragma once

#include "storage/audit_record.hpp"

#include <cstdint>
#include <string_view>

namespace skrynka::storage {

enum class audit_protocol {
    smtp,       // port 25, inbound mail
    submission, // ports 587 and 465
    imap,
    pop3,
    admin, // the admin endpoint
};

// Returns "smtp", "submission", "imap", "pop3" or "admin".
std::string_view audit_protocol_name(audit_protocol protocol) noexcept;

// Why a login failed, as a class for the operator. The reply to the client says less.
enum class login_failure_reason {
    bad_credentials,   // no key slot opened with the secret given
    unknown_account,   // no account has that address
    account_disabled,  // the account exists but may not log in
    rate_limited,      // too many recent failures from the address or for the account
    cleartext_refused, // a login attempt before TLS where policy demands TLS
    malformed,         // the authentication exchange was not valid syntax
};

// Returns the reason's name, for example "bad_credentials".
std::string_view login_failure_reason_name(login_failure_reason reason) noexcept;

// A login.success record: actor user, detail "proto=NAME".
audit_entry login_success_entry(audit_protocol protocol, std::string_view account,
                                std::string_view remote);

// A login.failure record: actor user, outcome failure, detail "proto=NAME reason=CLASS".
// address is what the client gave; it is escaped and cut like any subject.
audit_entry login_failure_entry(audit_protocol protocol, std::string_view address,
                                std::string_view remote, login_failure_reason reason);

// A message.deliver record: actor system, subject the recipient account, detail
// "size=BYTES proto=NAME".
audit_entry delivery_entry(std::string_view account, std::uint64_t size_bytes,
                           audit_protocol protocol, std::string_view remote);

// A message.expunge record: actor user, subject "account/mailbox", detail "count=N".
audit_entry expunge_entry(std::string_view account, std::string_view mailbox,
                          std::uint64_t message_count, std::string_view remote);

} // namespace skrynka::storage
