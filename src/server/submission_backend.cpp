// Submission backend of `skrynka serve`; see submission_backend.hpp.
#include "src/server/submission_backend.hpp"

#include "src/auth/account_unlock.hpp"
#include "src/auth/account_unlocker.hpp"
#include "src/logging/logging.hpp"
#include "src/message/sealed_message.hpp"
#include "src/metrics/server_metrics.hpp"
#include "storage/audit_entries.hpp"

#include <chrono>
#include <exception>
#include <spdlog/spdlog.h>

namespace skrynka::app::server {

namespace {

std::string lowercase_ascii(std::string_view text) {
    std::string result(text);
    for (char& c : result) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return result;
}

std::int64_t seconds_since_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

submission_backend::submission_backend(server_context& context, storage::outbound_queue& queue,
                                       storage::executor& queue_executor,
                                       std::map<std::string, std::vector<delivery::dkim_key>> dkim_keys)
    : context_(context), queue_(queue), dkim_keys_(std::move(dkim_keys)),
      queue_executor_(queue_executor), local_(context),
      send_rate_(static_cast<std::size_t>(context.settings().limits.submission_messages_per_hour),
                 static_cast<std::size_t>(context.settings().limits.submission_recipients_per_hour),
                 std::chrono::hours(1)) {}

boost::asio::awaitable<net::recipient_check>
submission_backend::check_recipient(const smtp::envelope& transaction,
                                    const smtp::mailbox& recipient) {
    net::recipient_check check = co_await local_.check_recipient(transaction, recipient);
    if (check.decision == smtp::recipient_decision::relay_denied) {
        // An authenticated user may send anywhere; route 0 marks the outbound queue.
        check = net::recipient_check{smtp::recipient_decision::accept, 0};
    }
    if (check.decision != smtp::recipient_decision::accept) {
        co_return check;
    }

    const policies::send_rate_decision rate =
        send_rate_.take_recipient(transaction.sender_account, transaction.recipients.empty());
    switch (rate) {
    case policies::send_rate_decision::allowed:
        co_return check;
    case policies::send_rate_decision::too_many_messages:
        spdlog::warn("event=rate_limited session={} user={} limit=messages_per_hour",
                     transaction.session_id, transaction.authenticated_user);
        co_return net::recipient_check{smtp::recipient_decision::message_rate_exceeded};
    case policies::send_rate_decision::too_many_recipients:
        spdlog::warn("event=rate_limited session={} user={} limit=recipients_per_hour",
                     transaction.session_id, transaction.authenticated_user);
        co_return net::recipient_check{smtp::recipient_decision::recipient_rate_exceeded};
    }
    co_return net::recipient_check{smtp::recipient_decision::temporary_failure};
}

boost::asio::awaitable<bool> submission_backend::store_sent_copy(const smtp::envelope& transaction,
                                                                 const std::string& message) {
    try {
        const std::shared_ptr<account_mailbox> mailbox =
            co_await context_.mailboxes().find(transaction.sender_account);
        message::message_attributes attributes;
        attributes.internal_date = seconds_since_epoch();
        attributes.flags = storage::flag::seen;
        // The record is durable before this returns, so before the 250.
        const storage::message_uid uid = co_await mailbox->seal_and_append(
            [&message, &mailbox, &attributes] {
                return message::seal_message(message, mailbox->public_key(), attributes);
            },
            storage::delivery_entry(mailbox->address(), message.size(),
                                    storage::audit_protocol::submission,
                                    transaction.remote_address),
            delivery_target::sent);
        spdlog::info("event=sent_copy_stored session={} queue_id={} account={} uid={} size={}",
                     transaction.session_id, transaction.queue_id, transaction.sender_account, uid,
                     message.size());
        co_return true;
    } catch (const std::exception& error) {
        spdlog::error("event=sent_copy_failed session={} queue_id={} account={} error={}",
                      transaction.session_id, transaction.queue_id, transaction.sender_account,
                      logging::log_value(error.what()));
    }
    co_return false;
}

boost::asio::awaitable<std::vector<smtp::delivery_status>>
submission_backend::deliver(const smtp::envelope& transaction, std::string message) {
    // The co_await results go into named values first. Built by GCC 12, the form
    // "if (!co_await ...) co_return ...;" died here with SIGILL at the first message.
    const bool stored = co_await store_sent_copy(transaction, message);
    if (!stored) {
        co_return std::vector<smtp::delivery_status>(transaction.recipients.size(),
                                                     smtp::delivery_status::temporary_failure);
    }

    smtp::envelope local = transaction;
    local.recipients.clear();
    local.recipient_routes.clear();
    for (std::size_t i = 0; i < transaction.recipients.size(); ++i) {
        if (transaction.recipient_routes.at(i) != 0) {
            local.recipients.push_back(transaction.recipients[i]);
            local.recipient_routes.push_back(transaction.recipient_routes[i]);
        }
    }
    const bool remote_queued = co_await queue_remote(transaction, message);
    std::vector<smtp::delivery_status> local_results;
    if (!local.recipients.empty()) {
        local_results = co_await local_.deliver(local, std::move(message));
    }

    std::vector<smtp::delivery_status> results;
    std::size_t next_local = 0;
    for (std::size_t i = 0; i < transaction.recipients.size(); ++i) {
        if (transaction.recipient_routes[i] == 0) {
            results.push_back(remote_queued ? smtp::delivery_status::delivered
                                            : smtp::delivery_status::temporary_failure);
        } else {
            results.push_back(next_local < local_results.size()
                                  ? local_results[next_local]
                                  : smtp::delivery_status::temporary_failure);
            ++next_local;
        }
    }
    co_return results;
}

std::string submission_backend::with_dkim_signatures(const smtp::envelope& transaction,
                                                     std::string_view message) const {
    const auto found = transaction.sender ? dkim_keys_.find(lowercase_ascii(transaction.sender->domain))
                                          : dkim_keys_.end();
    if (found == dkim_keys_.end()) {
        return std::string(message);
    }
    // The signatures go in front of our Received field; each covers the same fields.
    std::string signatures;
    const auto now = std::chrono::system_clock::now();
    for (const delivery::dkim_key& key : found->second) {
        signatures += delivery::sign_message(message, key, now);
    }
    return signatures + std::string(message);
}

boost::asio::awaitable<bool> submission_backend::queue_remote(const smtp::envelope& transaction,
                                                              const std::string& message) {
    storage::queued_message envelope;
    envelope.sender = transaction.sender ? transaction.sender->text() : std::string();
    envelope.sender_account = transaction.sender_account;
    for (std::size_t i = 0; i < transaction.recipients.size(); ++i) {
        if (transaction.recipient_routes.at(i) == 0) {
            envelope.recipients.push_back(transaction.recipients[i].text());
        }
    }
    if (envelope.recipients.empty()) {
        co_return true;
    }
    // Return-Path belongs to the final delivery (RFC 5321 §4.4), so the queued copy
    // starts at our Received field.
    std::string_view outbound = message;
    if (outbound.starts_with("Return-Path:")) {
        outbound.remove_prefix(std::min(outbound.size(), outbound.find("\r\n") + 2));
    }

    try {
        const std::vector<storage::queue_entry_id> ids = co_await queue_executor_.run(
            [this, &envelope, &transaction, outbound] {
                const std::string signed_message = with_dkim_signatures(transaction, outbound);
                return queue_.add(envelope, signed_message, seconds_since_epoch());
            });
        for (const storage::queue_entry_id id : ids) {
            spdlog::info("event=queued session={} queue_id={} entry={} recipients={} size={}",
                         transaction.session_id, transaction.queue_id, id,
                         envelope.recipients.size(), message.size());
        }
        co_return true;
    } catch (const std::exception& error) {
        spdlog::error("event=queue_failed session={} queue_id={} error={}", transaction.session_id,
                      transaction.queue_id, logging::log_value(error.what()));
    }
    co_return false;
}

boost::asio::awaitable<smtp::auth_outcome>
submission_backend::authenticate(const net::connection_info& info, const std::string& login_name,
                                 const crypto::secret_bytes& password) {
    const std::string& remote_address = info.remote_address;
    const std::string user = logging::log_value(login_name);
    if (!context_.login_throttle().allowed(remote_address)) {
        spdlog::warn("event=login_refused proto=submission remote={} reason=rate_limited user={}",
                     remote_address, user);
        const bool first = context_.login_throttle().first_rejection(remote_address);
        if (first) {
            co_await record_login_failure(remote_address, login_name,
                                          storage::login_failure_reason::rate_limited);
        }
        co_return smtp::failed_auth(smtp::auth_status::rate_limited);
    }

    // Logins of every protocol share the unlocked-key cache and its bounded unwrap step:
    // the directory is read on its executor, Argon2id runs on the blocking pool.
    smtp::auth_outcome outcome;
    try {
        const std::optional<auth::login_candidate> candidate =
            co_await context_.directory_executor().run(
                [&] { return auth::find_login_candidate(context_.directory(), login_name); });
        storage::executor unwrap_executor(context_.blocking_pool());
        std::optional<auth::unlocked_account> unlocked = co_await unwrap_executor.run(
            [&] { return context_.unlocker().unlock(candidate, password); });
        std::optional<account_sessions::registration> registration;
        if (unlocked) {
            // Registered before the directory is read again, so a wipe that starts later
            // ends this session, and one that already ran leaves no account to find.
            registration = context_.sessions().register_session(unlocked->account, info.end);
        }
        if (registration) {
            // The secret key is not needed to send: the Sent copy is sealed to the public
            // key. It is wiped when `unlocked` goes out of scope here.
            const storage::account_id account = unlocked->account;
            const bool exists = co_await context_.directory_executor().run(
                [&] { return context_.directory().find_account(account).has_value(); });
            if (exists) {
                outcome.status = smtp::auth_status::success;
                outcome.account = unlocked->account;
                outcome.user = unlocked->address;
                outcome.sender_addresses = co_await context_.directory_executor().run(
                    [&] { return context_.directory().list_aliases(account); });
                outcome.sender_addresses.push_back(unlocked->address);
                info.end->keep(
                    std::make_shared<account_sessions::registration>(std::move(*registration)));
            }
        }
    } catch (const std::exception& error) {
        spdlog::error("event=login_error proto=submission remote={} user={} error={}",
                      remote_address, user, logging::log_value(error.what()));
        co_return smtp::failed_auth(smtp::auth_status::temporary_failure);
    }

    if (outcome.status != smtp::auth_status::success) {
        context_.login_throttle().record_failure(remote_address);
        metrics::count(metrics::counter::logins_failed, metrics::protocol::submission);
        spdlog::warn("event=login_failed proto=submission remote={} user={}", remote_address,
                     user);
        // An unknown account is recorded as bad_credentials too, so that the audit log is
        // no oracle for which accounts exist.
        co_await record_login_failure(remote_address, login_name,
                                      storage::login_failure_reason::bad_credentials);
        co_return outcome;
    }

    // The login counts only once its record is durable, as for IMAP and POP3.
    bool recorded = false;
    try {
        co_await context_.audit().append(storage::login_success_entry(
            storage::audit_protocol::submission, outcome.user, remote_address));
        recorded = true;
    } catch (const std::exception& error) {
        spdlog::error("event=audit_failed proto=submission remote={} user={} error={}",
                      remote_address, user, logging::log_value(error.what()));
    }
    if (!recorded) {
        co_return smtp::failed_auth(smtp::auth_status::temporary_failure);
    }
    metrics::count(metrics::counter::logins_succeeded, metrics::protocol::submission);
    co_return outcome;
}

boost::asio::awaitable<void>
submission_backend::record_login_failure(const std::string& remote_address,
                                         const std::string& login_name,
                                         storage::login_failure_reason reason) {
    // A failed append loses only the record of a failure, so the reply stays the same.
    try {
        co_await context_.audit().append(storage::login_failure_entry(
            storage::audit_protocol::submission, login_name, remote_address, reason));
    } catch (const std::exception& error) {
        spdlog::error("event=audit_failed proto=submission remote={} error={}", remote_address,
                      logging::log_value(error.what()));
    }
}

} // namespace skrynka::app::server
