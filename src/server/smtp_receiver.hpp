// The SMTP backend of `skrynka serve`: recipient checks against the directory, and
// delivery that seals each copy to its recipient's public key and commits it to the
// recipient's INBOX (RFC 5321 §4.1.1.3 and §6.1: the 250 follows the durable commit).
//
// Where each step runs: the session stops at every RCPT and at the end of data
// (deferred mode of smtp::session), and its connection loop awaits this backend. Directory
// lookups run on the directory executor, sealing on the blocking pool, commits on the
// account's executor, so no SQLite call or sealing ever runs on an I/O thread.
#pragma once

#include "src/net/smtp_backend.hpp"
#include "src/server/server_context.hpp"

#include <optional>
#include <string>

namespace skrynka::app::server {

class smtp_receiver final : public net::smtp_backend {
  public:
    // `context` must outlive the receiver.
    explicit smtp_receiver(server_context& context);

    // A domain in server.domains: the address resolved through the directory (aliases,
    // "base+tag" subaddresses) is accepted with its account id as route, an unknown one
    // gets unknown_user. Any other domain, address literals included, gets relay_denied,
    // because this listener never relays. A directory failure gives temporary_failure.
    boost::asio::awaitable<net::recipient_check>
    check_recipient(const smtp::envelope& transaction, const smtp::mailbox& recipient) override;

    // Delivers to the account each recipient's route names: seals the message to the
    // account's public key and appends it to its INBOX. Several envelope recipients of
    // one account (an alias and the primary address, or two tags) get one copy. A
    // recipient whose storage fails is temporary_failure, with nothing stored for it.
    // Each copy's message.deliver audit record is durable before this returns, and a
    // failed audit append makes that recipient temporary_failure too. Logs
    // event=delivered per copy.
    // NOTE: the account is not looked up again. An account deleted between RCPT and the
    // end of data gets 451 unless its database is already open, and then the copy goes
    // into the deleted account's database file.
    boost::asio::awaitable<std::vector<smtp::delivery_status>>
    deliver(const smtp::envelope& transaction, std::string message) override;

  private:
    // Returns the address to look up when the recipient's domain is ours.
    std::optional<std::string> local_address(const smtp::mailbox& recipient) const;

    server_context& context_;
};

} // namespace skrynka::app::server
