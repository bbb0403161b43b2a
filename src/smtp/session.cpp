// SMTP receiving session: input framing, greeting, EHLO/HELO, STARTTLS, the commands
// outside a transaction and the error limits (RFC 5321 §4.1, RFC 2920, RFC 3207).
// The transaction commands MAIL, RCPT, DATA and BDAT are in session_transaction.cpp.
#include "src/smtp/session.hpp"

#include "src/metrics/server_metrics.hpp"
#include "src/smtp/address.hpp"
#include "src/smtp/reply.hpp"

#include <fmt/format.h>

namespace skrynka::smtp {

session::session(session_config config, recipient_policy& policy, delivery_sink& sink)
    : config_(std::move(config)), policy_(&policy), sink_(&sink),
      lines_(config_.limits.command_line_max) {
    lines_.set_max_line_size(command_line_limit());
    if (!config_.clock) {
        config_.clock = [] { return std::chrono::system_clock::now(); };
    }
}

session::session(session_config config, recipient_policy& policy, delivery_sink& sink,
                 authenticator& users)
    : session(std::move(config), policy, sink) {
    users_ = &users;
}

session::session(session_config config)
    : config_(std::move(config)), policy_(nullptr), sink_(nullptr),
      lines_(config_.limits.command_line_max) {
    lines_.set_max_line_size(command_line_limit());
    if (!config_.clock) {
        config_.clock = [] { return std::chrono::system_clock::now(); };
    }
}

session_output session::greet() {
    session_output out;
    // The greeting carries no enhanced status code (RFC 2034) and names no software.
    reply(out, 220, "", fmt::format("{} ESMTP ready", config_.hostname));
    return out;
}

session_output session::feed(std::string_view input) {
    session_output out;
    process(input, out);
    return out;
}

void session::process(std::string_view input, session_output& out) {
    while (!input.empty()) {
        if (pending_) {
            // Nothing after the command that asked the question may run before its
            // answer, or replies would leave command order.
            held_input_.assign(input);
            break;
        }
        if (mode_ == mode::awaiting_tls || mode_ == mode::closed) {
            // Octets after STARTTLS or after the last reply are dropped unread: they
            // arrived in cleartext and must never be executed (RFC 3207 §4.2).
            break;
        }
        if (mode_ == mode::bdat) {
            consume_bdat(input, out);
            continue;
        }
        const std::optional<net::line> line = lines_.next(input);
        if (!line) {
            break;
        }
        handle_line(*line, out);
    }

    if (pending_) {
        out.step = pending_->step;
    } else if (mode_ == mode::awaiting_tls) {
        lines_.clear();
        out.step = next_step::start_tls;
    } else if (mode_ == mode::closed) {
        out.step = next_step::close;
    } else {
        out.step = next_step::read;
    }
}

const envelope& session::pending_transaction() const {
    return *transaction_;
}

const mailbox& session::pending_recipient() const {
    return pending_->recipient;
}

session_output session::recipient_checked(recipient_decision decision, std::int64_t route) {
    session_output out;
    const mailbox recipient = std::move(pending_->recipient);
    pending_.reset();
    reply_recipient(recipient, decision, route, out);
    return resume_with(out);
}

const envelope& session::pending_delivery() const {
    return pending_->transaction;
}

std::string& session::pending_message() {
    return pending_->message;
}

session_output session::delivery_finished(const std::vector<delivery_status>& results) {
    session_output out;
    const pending_question question = std::move(*pending_);
    pending_.reset();
    reply_delivered(question.transaction, question.received_size, results, out);
    return resume_with(out);
}

session_output session::resume_with(session_output& out) {
    // The kept octets move out first: processing them may keep a new remainder.
    const std::string input = std::move(held_input_);
    held_input_.clear();
    process(input, out);
    return std::move(out);
}

session_output session::tls_started(const tls_details& tls) {
    tls_ = tls;
    lines_.clear();
    lines_.set_max_line_size(command_line_limit());
    greeting_ = greeting::none;
    helo_name_.clear();
    authenticated_.reset();
    reset_transaction();
    mode_ = mode::command;
    return {};
}

std::chrono::seconds session::read_timeout() const {
    if (mode_ == mode::data || mode_ == mode::bdat) {
        return config_.limits.data_block;
    }
    return config_.limits.server_idle;
}

void session::handle_line(const net::line& line, session_output& out) {
    if (mode_ == mode::sasl_response) {
        handle_sasl_response(line, out);
        return;
    }
    if (mode_ == mode::data) {
        if (data_->add_line(line)) {
            finish_data(out);
        }
        return;
    }
    handle_command(line, out);
}

void session::handle_command(const net::line& line, session_output& out) {
    ++counters_.commands;
    if (line.too_long) {
        // RFC 5321 §4.5.3.1.9 "500 Line too long". The line was never buffered.
        error_reply(out, errc::line_too_long);
        return;
    }
    if (!line.crlf || line.bare_cr) {
        // CR LF is the only line terminator (RFC 5321 §2.3.8). A command framed any other
        // way is not executed, so no front end can smuggle one past a stricter filter.
        error_reply(out, errc::bare_line_ending);
        return;
    }

    metrics::count(metrics::counter::commands, metrics::protocol::smtp);
    const command_line command = split_command(line.text);
    const bool opens_transaction = command.name == verb::mail || command.name == verb::quit;
    if (!transaction_ && !opens_transaction &&
        ++commands_without_mail_ > config_.limits.commands_before_mail_max) {
        close_with(out, errc::closing_too_many_commands);
        return;
    }

    switch (command.name) {
    case verb::ehlo:
    case verb::helo:
        handle_hello(command, out);
        return;
    case verb::mail:
        handle_mail(command, out);
        return;
    case verb::rcpt:
        handle_rcpt(command, out);
        return;
    case verb::data:
        handle_data(command, out);
        return;
    case verb::bdat:
        handle_bdat(command, out);
        return;
    case verb::starttls:
        handle_starttls(command, out);
        return;
    case verb::rset:
        if (!command.argument.empty()) {
            error_reply(out, errc::unexpected_argument);
            return;
        }
        reset_transaction();
        reply(out, 250, "2.0.0", "OK");
        return;
    case verb::noop:
        reply(out, 250, "2.0.0", "OK");
        return;
    case verb::quit:
        reply(out, 221, "2.0.0", "Bye");
        mode_ = mode::closed;
        close_reason_ = "quit";
        return;
    case verb::help:
        reply(out, 214, "2.0.0",
              "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY EXPN STARTTLS");
        return;
    case verb::vrfy:
    case verb::expn:
        if (command.argument.empty()) {
            error_reply(out, errc::missing_argument);
            return;
        }
        // RFC 5321 §3.5.3 permits 252 when the server will not verify; replying the same
        // for every name keeps the list of users private.
        reply(out, 252, "2.0.0", "Cannot verify the address, but will accept a message for it");
        return;
    case verb::auth:
        handle_auth(command, out);
        return;
    case verb::unknown:
        error_reply(out, errc::command_unrecognized);
        return;
    }
}

void session::handle_hello(const command_line& command, session_output& out) {
    const bool ehlo = command.name == verb::ehlo;
    // NOTE: strict RFC 5321 syntax, so a client that sends "EHLO my_host" cannot deliver.
    // The name goes into the Received header, which is why it is checked at all.
    if (!is_valid_helo_argument(command.argument)) {
        error_reply(out, errc::helo_syntax);
        return;
    }

    // EHLO or HELO in the middle of a transaction acts as RSET (RFC 5321 §4.1.4).
    reset_transaction();
    greeting_ = ehlo ? greeting::ehlo : greeting::helo;
    helo_name_ = std::string(command.argument);

    // Replies to EHLO and HELO carry no enhanced status code (RFC 2034).
    if (!ehlo) {
        reply(out, 250, "", config_.hostname);
        return;
    }
    std::vector<std::string> lines{
        config_.hostname,
        "PIPELINING",
        fmt::format("SIZE {}", config_.limits.message_size_max),
        "8BITMIME",
        "BINARYMIME",
        "CHUNKING",
        "SMTPUTF8",
        "ENHANCEDSTATUSCODES",
    };
    if (config_.tls_available && !tls_) {
        lines.emplace_back("STARTTLS");
    }
    if (auth_offered()) {
        lines.emplace_back("AUTH PLAIN LOGIN");
    }
    out.replies += format_multiline_reply(250, lines);
}

void session::handle_starttls(const command_line& command, session_output& out) {
    if (!command.argument.empty()) {
        error_reply(out, errc::unexpected_argument);
        return;
    }
    if (tls_) {
        error_reply(out, errc::tls_already_active);
        return;
    }
    if (!config_.tls_available) {
        error_reply(out, errc::tls_not_available);
        return;
    }
    if (transaction_) {
        error_reply(out, errc::starttls_in_transaction);
        return;
    }
    reply(out, 220, "2.0.0", "Ready to start TLS");
    mode_ = mode::awaiting_tls;
    out.events.emplace_back("event=starttls");
}

void session::reset_transaction() {
    transaction_.reset();
    transaction_used_bdat_ = false;
    data_.reset();
    bdat_message_.clear();
    bdat_message_.shrink_to_fit();
}

void session::reply(session_output& out, int code, std::string_view status, std::string_view text) {
    out.replies += format_reply(code, status, text);
}

void session::error_reply(session_output& out, errc error) {
    const error_reply_text& text = reply_for(error);
    out.replies += format_reply(text.code, text.status, text.text);
    ++counters_.errors;
    if (counters_.errors >= config_.limits.errors_max) {
        close_with(out, errc::closing_too_many_errors);
    }
}

void session::close_with(session_output& out, errc reason) {
    // RFC 5321 §3.8: 421 may be sent at any time when the server must close.
    const error_reply_text& text = reply_for(reason);
    out.replies += format_reply(text.code, text.status, text.text);
    mode_ = mode::closed;
    close_reason_ = text.name;
}

} // namespace skrynka::smtp
