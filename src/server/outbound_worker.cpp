// Outbound delivery loop; see outbound_worker.hpp.
#include "src/server/outbound_worker.hpp"

#include "src/delivery/dsn.hpp"
#include "src/delivery/mx_lookup.hpp"
#include "src/delivery/smtp_client.hpp"
#include "src/logging/logging.hpp"
#include "src/message/sealed_message.hpp"
#include "storage/audit_entries.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace skrynka::app::server {

namespace asio = boost::asio;

namespace {

// How often the queue is checked for due entries.
// NOTE: a fixed interval, so a new entry waits up to this long for its first attempt.
constexpr std::chrono::seconds poll_interval{5};
// Most MX hosts tried in one attempt, so a domain with many MX records cannot hold the
// worker for hours.
constexpr std::size_t hosts_per_attempt_max = 5;
// The backoff never waits longer than this between two attempts.
constexpr std::int64_t retry_interval_max_seconds = 4 * 3600;

std::int64_t seconds_since_epoch() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct mail_host {
    std::string name;
    std::uint16_t port = 25;
};

std::int64_t retry_delay(std::int64_t first_delay, std::int64_t attempts) {
    std::int64_t delay = first_delay;
    for (std::int64_t i = 0; i < attempts && delay < retry_interval_max_seconds; ++i) {
        delay *= 2;
    }
    return std::min(delay, retry_interval_max_seconds);
}

std::vector<delivery::recipient_result> all_recipients(const storage::queue_entry& entry,
                                                       delivery::recipient_status status,
                                                       const std::string& reason) {
    std::vector<delivery::recipient_result> results;
    for (const std::string& address : entry.recipients) {
        results.push_back({address, status, reason});
    }
    return results;
}

// Reads the smarthost password straight into guarded memory, without a final line break.
crypto::secret_bytes read_password_file(const std::filesystem::path& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (descriptor < 0) {
        throw std::runtime_error(fmt::format("cannot open delivery.smarthost_password_file {}",
                                             path.string()));
    }
    struct stat status {};
    if (::fstat(descriptor, &status) != 0 || status.st_size <= 0 || status.st_size > 1024) {
        ::close(descriptor);
        throw std::runtime_error(fmt::format("delivery.smarthost_password_file {} must hold 1 to "
                                             "1024 bytes",
                                             path.string()));
    }
    crypto::secret_bytes buffer(static_cast<std::size_t>(status.st_size));
    const ssize_t size = ::read(descriptor, buffer.data(), buffer.size());
    ::close(descriptor);
    if (size != status.st_size) {
        throw std::runtime_error(fmt::format("cannot read delivery.smarthost_password_file {}",
                                             path.string()));
    }
    std::size_t length = buffer.size();
    while (length > 0 && (buffer.data()[length - 1] == '\n' || buffer.data()[length - 1] == '\r')) {
        --length;
    }
    return crypto::secret_bytes::copy_of(std::span<const unsigned char>(buffer.data(), length));
}

} // namespace

outbound_worker::outbound_worker(server_context& context, storage::outbound_queue& queue,
                                 storage::executor& queue_executor)
    : context_(context), queue_(queue), queue_executor_(queue_executor),
      dns_executor_(context.blocking_pool()), tls_(asio::ssl::context::tls_client),
      smarthost_tls_(asio::ssl::context::tls_client), timer_(asio::make_strand(context.io())) {
    for (asio::ssl::context* tls : {&tls_, &smarthost_tls_}) {
        tls->set_default_verify_paths();
        tls->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                         asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    }
    const config::delivery_settings& delivery = context.settings().delivery;
    if (!delivery.smarthost_ca_file.empty()) {
        boost::system::error_code error;
        smarthost_tls_.load_verify_file(delivery.smarthost_ca_file.string(), error);
        if (error) {
            throw std::runtime_error(fmt::format("cannot load delivery.smarthost_ca_file {}: {}",
                                                 delivery.smarthost_ca_file.string(),
                                                 error.message()));
        }
    }
    if (!delivery.smarthost_password_file.empty()) {
        smarthost_password_ = read_password_file(delivery.smarthost_password_file);
    }
}

void outbound_worker::start() {
    asio::co_spawn(timer_.get_executor(), run(), asio::detached);
    std::weak_ptr<outbound_worker> weak = weak_from_this();
    context_.on_stop([weak] {
        if (const auto self = weak.lock()) {
            // The timer belongs to its strand, so it is cancelled there.
            asio::post(self->timer_.get_executor(), [self] { self->timer_.cancel(); });
        }
    });
}

asio::awaitable<void> outbound_worker::run() {
    const std::shared_ptr<outbound_worker> self = shared_from_this();
    while (true) {
        timer_.expires_after(poll_interval);
        boost::system::error_code error;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            co_return; // cancelled by stop
        }

        std::vector<storage::queue_entry> due;
        try {
            const std::int64_t now = seconds_since_epoch();
            due = co_await queue_executor_.run([this, now] { return queue_.due(now); });
        } catch (const std::exception& failure) {
            spdlog::error("event=queue_read_failed error={}", logging::log_value(failure.what()));
        }
        for (storage::queue_entry& entry : due) {
            const storage::queue_entry_id id = entry.id;
            // An exception escaping this detached loop would end the server, so a failed
            // queue write ends only this attempt; the entry stays queued.
            try {
                co_await attempt(std::move(entry));
            } catch (const std::exception& failure) {
                spdlog::error("event=delivery_failed entry={} error={}", id,
                              logging::log_value(failure.what()));
            }
        }
    }
}

asio::awaitable<void> outbound_worker::attempt(storage::queue_entry entry) {
    const config::settings& settings = context_.settings();
    // Taken once, so one attempt uses one set of limits even when SIGHUP changes them.
    const std::shared_ptr<const policies::limit_values> limits = context_.limits();
    const std::int64_t now = seconds_since_epoch();

    std::string message;
    bool readable = true;
    try {
        message = co_await queue_executor_.run([this, &entry] { return queue_.read_message(entry.id); });
    } catch (const std::exception& failure) {
        spdlog::error("event=queue_read_failed entry={} error={}", entry.id,
                      logging::log_value(failure.what()));
        readable = false;
    }
    if (!readable) {
        // Kept for the operator (`skrynka queue delete`), but not read again every few seconds.
        co_await queue_executor_.run([this, &entry, now] {
            queue_.reschedule(entry.id, entry.recipients, now + retry_interval_max_seconds,
                              "the queued message cannot be read");
        });
        co_return;
    }

    std::vector<mail_host> hosts;
    std::vector<delivery::recipient_result> results;
    bool via_smarthost = false;
    if (const auto found = settings.delivery.mx_override.find(entry.domain);
        found != settings.delivery.mx_override.end()) {
        hosts.push_back({found->second.host, found->second.port});
    } else if (!settings.delivery.smarthost_host.empty()) {
        hosts.push_back({settings.delivery.smarthost_host, settings.delivery.smarthost_port});
        via_smarthost = true;
    } else {
        const std::string domain = entry.domain;
        const delivery::mx_result mx =
            co_await dns_executor_.run([domain] { return delivery::find_mail_hosts(domain); });
        if (mx.status == delivery::mx_status::no_mail) {
            results = all_recipients(entry, delivery::recipient_status::permanent, "550 5.1.2 " + mx.error);
        } else if (mx.status == delivery::mx_status::dns_error) {
            results = all_recipients(entry, delivery::recipient_status::temporary, "451 4.4.3 " + mx.error);
        }
        for (const std::string& host : mx.hosts) {
            if (hosts.size() < hosts_per_attempt_max) {
                hosts.push_back({host, 25});
            }
        }
    }

    delivery::client_settings client;
    client.client_name = settings.server.hostname;
    client.command_timeout = std::chrono::seconds(limits->smtp_mail_rcpt_seconds);
    client.data_termination_timeout =
        std::chrono::seconds(limits->smtp_data_termination_seconds);
    if (via_smarthost) {
        client.require_tls = true;
        client.implicit_tls = settings.delivery.smarthost_port == 465;
        client.username = settings.delivery.smarthost_username;
        client.password = &smarthost_password_;
    }
    for (const mail_host& host : hosts) {
        const delivery::attempt_result attempted = co_await delivery::send_to_host(
            context_.io().get_executor(), host.name, host.port, client, entry.sender,
            entry.recipients, message, via_smarthost ? smarthost_tls_ : tls_);
        results = attempted.recipients;
        std::size_t delivered = 0;
        for (const auto& result : results) {
            delivered += result.status == delivery::recipient_status::delivered ? 1 : 0;
        }
        // The TLS result is logged for every attempt, verified or not (opportunistic TLS).
        spdlog::info("event=delivery_attempt entry={} domain={} host={} port={} tls={} "
                     "recipients={} delivered={} reply={}",
                     entry.id, entry.domain, logging::log_value(host.name), host.port,
                     logging::log_value(attempted.tls), results.size(), delivered,
                     logging::log_value(results.empty() ? std::string() : results.front().reply));
        if (attempted.reached) {
            break;
        }
    }

    const bool expired = now - entry.created >= limits->delivery_max_age_hours * 3600;
    std::vector<delivery::failed_recipient> bounced;
    std::vector<std::string> remaining;
    std::string last_error;
    for (const delivery::recipient_result& result : results) {
        if (result.status == delivery::recipient_status::delivered) {
            continue;
        }
        if (result.status == delivery::recipient_status::permanent) {
            bounced.push_back({result.address, delivery::enhanced_status_of(result.reply, "5.0.0"),
                               result.reply});
        } else if (expired) {
            bounced.push_back({result.address, "4.4.7",
                               "delivery time expired, last error: " + result.reply});
        } else {
            remaining.push_back(result.address);
            last_error = result.reply;
        }
    }

    if (!bounced.empty()) {
        delivery::bounce_facts facts;
        facts.reporting_host = settings.server.hostname;
        facts.sender = entry.sender;
        facts.arrival = std::chrono::system_clock::time_point(std::chrono::seconds(entry.created));
        facts.now = std::chrono::system_clock::now();
        facts.recipients = bounced;
        const std::string report = delivery::format_bounce(facts, message);
        bool stored = false;
        try {
            const std::shared_ptr<account_mailbox> mailbox =
                co_await context_.mailboxes().find(entry.sender_account);
            message::message_attributes attributes;
            attributes.internal_date = now;
            // A bounce is a delivery from the server itself, so no remote address.
            co_await mailbox->seal_and_append(
                [&report, &mailbox, &attributes] {
                    return message::seal_message(report, mailbox->public_key(), attributes);
                },
                storage::delivery_entry(mailbox->address(), report.size(),
                                        storage::audit_protocol::smtp, ""));
            stored = true;
            spdlog::info("event=bounced entry={} account={} recipients={}", entry.id,
                         entry.sender_account, bounced.size());
        } catch (const std::exception& failure) {
            spdlog::error("event=bounce_failed entry={} account={} error={}", entry.id,
                          entry.sender_account, logging::log_value(failure.what()));
        }
        if (!stored) {
            // The bounced recipients stay queued, so the next attempt reports them again.
            for (const auto& recipient : bounced) {
                remaining.push_back(recipient.address);
            }
            last_error = "bounce could not be stored";
        }
    }

    if (remaining.empty()) {
        co_await queue_executor_.run([this, &entry] { queue_.remove(entry.id); });
        spdlog::info("event=dequeued entry={} domain={}", entry.id, entry.domain);
        co_return;
    }
    const std::int64_t next = now + retry_delay(limits->delivery_retry_seconds, entry.attempts);
    co_await queue_executor_.run([this, &entry, &remaining, next, &last_error] {
        queue_.reschedule(entry.id, remaining, next, last_error);
    });
    spdlog::info("event=deferred entry={} domain={} recipients={} next_attempt_in={}s", entry.id,
                 entry.domain, remaining.size(), next - now);
}

} // namespace skrynka::app::server
