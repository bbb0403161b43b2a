// The backend of the submission listeners (RFC 6409, ports 587 and 465) of `skrynka
// serve`: AUTH through the account's key slots, per-account sending rates, local
// recipients delivered like inbound mail, and a sealed copy in the sender's Sent mailbox.
//
// Remote recipients go into the outbound queue (queue.db), durable before the 250.
#pragma once

#include "policies/login_throttle.hpp"
#include "policies/send_rate.hpp"
#include "src/delivery/dkim.hpp"
#include "src/net/smtp_backend.hpp"
#include "src/server/server_context.hpp"
#include "src/server/smtp_receiver.hpp"
#include "storage/audit_entries.hpp"
#include "storage/executor.hpp"
#include "storage/outbound_queue.hpp"

namespace skrynka::app::server {

class submission_backend final : public net::smtp_backend {
  public:
    // `context` and `queue` must outlive the backend; `queue` is used only on
    // `queue_executor`.
    // Mail to the queue is DKIM-signed with every key of dkim_keys for the sender's domain.
    submission_backend(server_context& context, storage::outbound_queue& queue,
                       storage::executor& queue_executor,
                       std::map<std::string, std::vector<delivery::dkim_key>> dkim_keys);

    // Checks a recipient of an authenticated transaction: a local address as port 25
    // does (unknown_user when it does not exist), a remote one is accepted with route 0
    // for the outbound queue. An accepted recipient is then counted against the
    // account's sending rate.
    boost::asio::awaitable<net::recipient_check>
    check_recipient(const smtp::envelope& transaction, const smtp::mailbox& recipient) override;

    // Stores a copy sealed to the sender in the Sent mailbox with \Seen, queues the
    // remote recipients and delivers to the local ones as smtp_receiver does. When the
    // Sent copy fails, every recipient is temporary_failure, so the client keeps the
    // message and retries.
    boost::asio::awaitable<std::vector<smtp::delivery_status>>
    deliver(const smtp::envelope& transaction, std::string message) override;

    // Unlocks the account with the password (login or app password) on the directory
    // executor, refusing addresses with too many failed logins first. On success the
    // outcome lists the account's primary address and aliases as its sender addresses.
    // Every outcome is recorded in the audit log; a success whose record fails becomes
    // temporary_failure.
    boost::asio::awaitable<smtp::auth_outcome>
    authenticate(const net::connection_info& info, const std::string& login_name,
                 const crypto::secret_bytes& password) override;

  private:
    boost::asio::awaitable<void> record_login_failure(const std::string& remote_address,
                                                      const std::string& login_name,
                                                      storage::login_failure_reason reason);
    boost::asio::awaitable<bool> store_sent_copy(const smtp::envelope& transaction,
                                                 const std::string& message);
    std::string with_dkim_signatures(const smtp::envelope& transaction,
                                     std::string_view message) const;
    boost::asio::awaitable<bool> queue_remote(const smtp::envelope& transaction,
                                              const std::string& message);

    server_context& context_;
    storage::outbound_queue& queue_;
    std::map<std::string, std::vector<delivery::dkim_key>> dkim_keys_;
    storage::executor& queue_executor_;
    smtp_receiver local_;
    policies::send_rate_limiter send_rate_;
};

} // namespace skrynka::app::server
