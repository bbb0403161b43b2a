// Acceptance check an SMTP session runs for every RCPT (RFC 5321 §4.1.1.3): may this
// recipient receive this message here? The policies layer supplies the implementation.
#pragma once

#include "src/smtp/address.hpp"
#include "src/smtp/envelope.hpp"

namespace skrynka::smtp {

enum class recipient_decision {
    accept,            // 250 2.1.5
    unknown_user,      // 550 5.1.1, the domain is ours but the mailbox does not exist
    relay_denied,      // 554 5.7.1, the domain is not ours
    temporary_failure, // 451 4.3.0, try again later (for example storage unavailable)
    // Submission only:
    message_rate_exceeded,   // 450 4.7.1, the account sent its messages for this hour
    recipient_rate_exceeded, // 452 4.5.3, the account reached its recipients for this hour
    remote_unavailable,      // 550 5.7.1, remote delivery is not configured
};

class recipient_policy {
  public:
    virtual ~recipient_policy() = default;

    // Decides on `recipient` for `transaction`, whose MAIL was accepted (its sender is
    // empty for the null path) and whose recipients are those accepted so far. Called on the
    // session's thread in immediate mode only (see session.hpp); must not throw. A local part
    // without domain is "Postmaster" (RFC 5321 §4.1.1.3).
    virtual recipient_decision check_recipient(const envelope& transaction,
                                               const mailbox& recipient) = 0;
};

} // namespace skrynka::smtp
