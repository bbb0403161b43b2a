#include "src/server/smtp_receiver.hpp"

#include "src/logging/logging.hpp"
#include "src/message/sealed_message.hpp"
#include "src/metrics/server_metrics.hpp"
#include "storage/audit_entries.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
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

smtp_receiver::smtp_receiver(server_context& context) : context_(context) {}

std::optional<std::string> smtp_receiver::local_address(const smtp::mailbox& recipient) const {
    const std::vector<std::string>& domains = context_.settings().server.domains;
    if (recipient.domain.empty()) {
        // RCPT TO:<Postmaster> without a domain (RFC 5321 §4.1.1.3) is the postmaster
        // of our first domain.
        return "postmaster@" + domains.front();
    }
    // Domains in the config are canonical lowercase; an address literal never matches.
    const std::string domain = lowercase_ascii(recipient.domain);
    if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
        return std::nullopt;
    }
    return recipient.local_part + "@" + domain;
}

boost::asio::awaitable<net::recipient_check>
smtp_receiver::check_recipient(const smtp::envelope& transaction, const smtp::mailbox& recipient) {
    const std::optional<std::string> address = local_address(recipient);
    if (!address) {
        co_return net::recipient_check{smtp::recipient_decision::relay_denied};
    }

    // TODO: a disabled account still receives mail; policies do not say otherwise yet.
    try {
        const std::optional<storage::recipient> found = co_await context_.directory_executor().run(
            [this, &address] { return context_.directory().resolve_recipient(*address); });
        if (!found) {
            co_return net::recipient_check{smtp::recipient_decision::unknown_user};
        }
        co_return net::recipient_check{smtp::recipient_decision::accept, found->account};
    } catch (const std::exception& error) {
        spdlog::error("event=recipient_check_failed session={} queue_id={} error={}",
                      transaction.session_id, transaction.queue_id,
                      logging::log_value(error.what()));
        co_return net::recipient_check{smtp::recipient_decision::temporary_failure};
    }
}

boost::asio::awaitable<std::vector<smtp::delivery_status>>
smtp_receiver::deliver(const smtp::envelope& transaction, std::string message) {
    const std::size_t count = transaction.recipients.size();
    std::vector<smtp::delivery_status> results(count, smtp::delivery_status::temporary_failure);
    if (transaction.recipient_routes.size() != count) {
        spdlog::error("event=delivery_failed session={} queue_id={} error=\"recipients without "
                      "an account\"",
                      transaction.session_id, transaction.queue_id);
        co_return results;
    }
    const std::vector<storage::account_id>& accounts = transaction.recipient_routes;

    std::map<storage::account_id, smtp::delivery_status> per_account;
    for (const storage::account_id account : accounts) {
        if (per_account.contains(account)) {
            continue;
        }
        smtp::delivery_status status = smtp::delivery_status::temporary_failure;
        try {
            const std::shared_ptr<account_mailbox> mailbox =
                co_await context_.mailboxes().find(account);
            message::message_attributes attributes;
            attributes.internal_date = seconds_since_epoch();
            // The record is durable before this returns, so before the 250.
            const storage::message_uid uid = co_await mailbox->seal_and_append(
                [&message, &mailbox, &attributes] {
                    return message::seal_message(message, mailbox->public_key(), attributes);
                },
                storage::delivery_entry(mailbox->address(), message.size(),
                                        storage::audit_protocol::smtp, transaction.remote_address));
            status = smtp::delivery_status::delivered;
            metrics::server_metrics().add_delivered();
            spdlog::info("event=delivered session={} queue_id={} account={} uid={} size={}",
                         transaction.session_id, transaction.queue_id, account, uid,
                         message.size());
        } catch (const std::exception& error) {
            spdlog::error("event=delivery_failed session={} queue_id={} account={} error={}",
                          transaction.session_id, transaction.queue_id, account,
                          logging::log_value(error.what()));
        }
        per_account.emplace(account, status);
    }

    for (std::size_t i = 0; i < count; ++i) {
        results[i] = per_account.at(accounts[i]);
    }
    co_return results;
}

} // namespace skrynka::app::server
