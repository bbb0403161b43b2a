// The asynchronous side of SMTP receiving: the recipient check and the delivery that a
// deferred-mode smtp::session leaves to its connection loop, so that directory lookups,
// sealing and commits run on other threads while the I/O thread serves other sessions.
#pragma once

#include "src/net/listener.hpp"
#include "src/smtp/address.hpp"
#include "src/smtp/authenticator.hpp"
#include "src/smtp/delivery_sink.hpp"
#include "src/smtp/envelope.hpp"
#include "src/smtp/recipient_policy.hpp"

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

namespace skrynka::net {

// The outcome of a recipient check.
struct recipient_check {
    smtp::recipient_decision decision = smtp::recipient_decision::temporary_failure;
    // Kept in envelope::recipient_routes for an accepted recipient and handed back to
    // deliver(); its meaning is the backend's.
    std::int64_t route = 0;
};

class smtp_backend {
  public:
    virtual ~smtp_backend() = default;

    // Decides on `recipient` for `transaction` as smtp::recipient_policy does. Must not
    // throw; a failed lookup is recipient_decision::temporary_failure.
    virtual boost::asio::awaitable<recipient_check>
    check_recipient(const smtp::envelope& transaction, const smtp::mailbox& recipient) = 0;

    // Stores `message` for every recipient of `transaction` and returns one status per
    // envelope recipient, in order, as smtp::delivery_sink does. Completes only once
    // each delivered copy is durable. Must not throw. `transaction` stays valid until
    // the call completes; the message is the backend's to keep or drop.
    virtual boost::asio::awaitable<std::vector<smtp::delivery_status>>
    deliver(const smtp::envelope& transaction, std::string message) = 0;

    // Checks AUTH credentials as smtp::authenticator does; `info` names the client, and
    // its `end` lets the server close the session later (when it wipes the account).
    // Only sessions in submission mode ask, so a backend for port 25 keeps this
    // default, which rejects every login. Must not throw.
    virtual boost::asio::awaitable<smtp::auth_outcome>
    authenticate(const connection_info& info, const std::string& login_name,
                 const crypto::secret_bytes& password);
};

} // namespace skrynka::net
