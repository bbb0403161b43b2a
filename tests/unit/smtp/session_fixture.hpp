// Test doubles and a driver for golden transcripts of the SMTP session engine.
#pragma once

#include "src/smtp/session.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp::testing {

// Accepts alice@example.org, bob@example.org and any user<N>@example.org, reports other
// example.org users as unknown, denies relaying to any other domain, and returns a temporary
// failure for busy@example.org.
class fake_policy : public recipient_policy {
  public:
    recipient_decision check_recipient(const envelope&, const mailbox& recipient) override {
        const std::string address = recipient.text();
        if (address == "alice@example.org" || address == "bob@example.org" ||
            address == "Postmaster" ||
            (recipient.domain == "example.org" && recipient.local_part.rfind("user", 0) == 0)) {
            return recipient_decision::accept;
        }
        if (address == "busy@example.org") {
            return recipient_decision::temporary_failure;
        }
        if (recipient.domain == "example.org") {
            return recipient_decision::unknown_user;
        }
        return recipient_decision::relay_denied;
    }
};

struct delivered_message {
    envelope transaction;
    std::string message;
};

// Records every message; fails delivery for bob@example.org when `fail_bob` is set.
class recording_sink : public delivery_sink {
  public:
    std::vector<delivery_status> deliver(const envelope& transaction,
                                         std::string_view message) override {
        messages.push_back({transaction, std::string(message)});
        std::vector<delivery_status> results;
        for (const mailbox& recipient : transaction.recipients) {
            const bool fail = fail_bob && recipient.text() == "bob@example.org";
            results.push_back(fail ? delivery_status::temporary_failure
                                   : delivery_status::delivered);
        }
        return results;
    }

    std::vector<delivered_message> messages;
    bool fail_bob = false;
};

inline session_config make_config(bool tls_available = true) {
    session_config config;
    config.hostname = "mail.example.org";
    config.session_id = "S1";
    config.remote_address = "192.0.2.7";
    config.tls_available = tls_available;
    // Fri, 04 Dec 2026 21:13:46 +0000
    config.clock = [] {
        return std::chrono::system_clock::time_point(std::chrono::seconds(1796418826));
    };
    return config;
}

// A session with its doubles, fed like an I/O loop would feed it.
struct driver {
    explicit driver(session_config config = make_config())
        : engine(std::move(config), policy, sink) {
        greeting = engine.greet().replies;
    }

    // Feeds `input` in one call and returns the replies.
    std::string send(std::string_view input) {
        last = engine.feed(input);
        return last.replies;
    }

    fake_policy policy;
    recording_sink sink;
    session engine;
    std::string greeting;
    session_output last;
};

// The three-digit codes of every reply line that ends a reply, in order.
inline std::vector<int> reply_codes(std::string_view replies) {
    std::vector<int> codes;
    std::size_t start = 0;
    while (start < replies.size()) {
        const std::size_t end = replies.find("\r\n", start);
        const std::string_view line = replies.substr(start, end - start);
        if (line.size() >= 4 && line[3] == ' ') {
            codes.push_back(std::stoi(std::string(line.substr(0, 3))));
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 2;
    }
    return codes;
}

} // namespace skrynka::smtp::testing

namespace skrynka::smtp::testing {

// A deferred-mode session whose questions are answered by the same doubles, as the
// server's connection loop answers them through its backend.
struct deferred_driver {
    explicit deferred_driver(session_config config = make_config()) : engine(std::move(config)) {
        greeting = engine.greet().replies;
    }

    // Feeds `input` in one call, answers every question, and returns all replies.
    std::string send(std::string_view input) {
        last = engine.feed(input);
        std::string replies = last.replies;
        while (last.step == next_step::check_recipient || last.step == next_step::deliver) {
            ++questions;
            if (last.step == next_step::check_recipient) {
                last = engine.recipient_checked(policy.check_recipient(engine.pending_transaction(),
                                                                       engine.pending_recipient()));
            } else {
                last = engine.delivery_finished(
                    sink.deliver(engine.pending_delivery(), engine.pending_message()));
            }
            replies += last.replies;
        }
        return replies;
    }

    fake_policy policy;
    recording_sink sink;
    session engine;
    std::string greeting;
    session_output last;
    int questions = 0;
};

} // namespace skrynka::smtp::testing
