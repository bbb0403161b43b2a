// SMTP mail transaction: MAIL, RCPT, DATA (RFC 5321 §4.1.1.2 to §4.1.1.4) and BDAT
// (RFC 3030). MAIL parameters: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030) and
// SMTPUTF8 (RFC 6531 §3.4). Ends with the hand-over of the message to the delivery sink.
#include "src/smtp/reply.hpp"
#include "src/smtp/session.hpp"
#include "src/smtp/submission_policy.hpp"
#include "src/smtp/trace_header.hpp"

#include <fmt/format.h>

namespace skrynka::smtp {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto upper = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; };
        if (upper(a[i]) != upper(b[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

void session::handle_mail(const command_line& command, session_output& out) {
    if (greeting_ == greeting::none) {
        error_reply(out, errc::hello_required);
        return;
    }
    if (transaction_) {
        error_reply(out, errc::nested_mail);
        return;
    }
    if (config_.submission && !authenticated_) {
        // RFC 4954 §6: 530 when the server requires AUTH before MAIL.
        error_reply(out, errc::auth_required);
        return;
    }

    const path_arguments arguments = parse_mail_arguments(command.argument);
    switch (arguments.error) {
    case argument_error::none:
        break;
    case argument_error::path_too_long:
        error_reply(out, errc::sender_path_too_long);
        return;
    case argument_error::path_syntax:
        error_reply(out, errc::sender_syntax);
        return;
    case argument_error::syntax:
    case argument_error::parameter_syntax:
        error_reply(out, errc::mail_syntax);
        return;
    }
    if (greeting_ == greeting::helo && !arguments.parameters.empty()) {
        // ESMTP parameters need EHLO (RFC 5321 §4.1.1.11, service extensions).
        error_reply(out, errc::parameters_need_ehlo);
        return;
    }

    envelope transaction;
    for (const esmtp_parameter& parameter : arguments.parameters) {
        if (parameter.keyword == "SIZE") {
            const auto size = parameter.value ? parse_decimal(*parameter.value) : std::nullopt;
            if (!size) {
                error_reply(out, errc::invalid_size_parameter);
                return;
            }
            if (*size > config_.limits.message_size_max) {
                // RFC 1870: a declared size over the limit gets 552 at MAIL.
                error_reply(out, errc::message_too_large);
                return;
            }
        } else if (parameter.keyword == "BODY") {
            // Not a conditional expression: mixing std::string and "" there would make a
            // temporary std::string, and the view would dangle.
            std::string_view value;
            if (parameter.value) {
                value = *parameter.value;
            }
            if (equals_ignoring_case(value, "7BIT")) {
                transaction.body = body_type::seven_bit;
            } else if (equals_ignoring_case(value, "8BITMIME")) {
                transaction.body = body_type::eight_bit_mime;
            } else if (equals_ignoring_case(value, "BINARYMIME")) {
                transaction.body = body_type::binary_mime;
            } else {
                error_reply(out, errc::invalid_body_parameter);
                return;
            }
        } else if (parameter.keyword == "SMTPUTF8") {
            if (parameter.value) {
                error_reply(out, errc::invalid_smtputf8_parameter);
                return;
            }
            transaction.smtputf8 = true;
        } else {
            error_reply(out, errc::unsupported_mail_parameter);
            return;
        }
    }

    if (arguments.address.utf8 && !transaction.smtputf8) {
        // RFC 6531 §3.5: a UTF-8 address without the SMTPUTF8 parameter gets 553 5.6.7.
        error_reply(out, errc::utf8_needs_smtputf8);
        return;
    }

    if (config_.submission) {
        // A user sends only as their own addresses, so a stolen password cannot forge
        // other senders. The null path is rejected too, because users send no bounces.
        const std::optional<mailbox>& sender = arguments.address.address;
        if (!sender || !is_own_address(sender->text(), authenticated_->sender_addresses)) {
            error_reply(out, errc::sender_not_owned);
            return;
        }
        transaction.sender_account = authenticated_->account;
        transaction.authenticated_user = authenticated_->user;
    }

    transaction.sender = arguments.address.address;
    transaction.helo_name = helo_name_;
    transaction.remote_address = config_.remote_address;
    transaction.tls = tls_.has_value();
    transaction.session_id = config_.session_id;
    transaction.queue_id = fmt::format("{}-{}", config_.session_id, ++transactions_);
    transaction_ = std::move(transaction);
    commands_without_mail_ = 0;
    reply(out, 250, "2.1.0", "Sender OK");
}

void session::handle_rcpt(const command_line& command, session_output& out) {
    if (!transaction_) {
        error_reply(out, errc::mail_required);
        return;
    }

    const path_arguments arguments = parse_rcpt_arguments(command.argument);
    switch (arguments.error) {
    case argument_error::none:
        break;
    case argument_error::path_too_long:
        error_reply(out, errc::recipient_path_too_long);
        return;
    case argument_error::path_syntax:
        error_reply(out, errc::recipient_syntax);
        return;
    case argument_error::syntax:
    case argument_error::parameter_syntax:
        error_reply(out, errc::rcpt_syntax);
        return;
    }
    if (!arguments.parameters.empty()) {
        error_reply(out, errc::unsupported_rcpt_parameter);
        return;
    }
    if (arguments.address.utf8 && !transaction_->smtputf8) {
        error_reply(out, errc::utf8_needs_smtputf8);
        return;
    }
    if (transaction_->recipients.size() >= config_.limits.recipients_max) {
        // RFC 5321 §4.5.3.1.9 and .10: 452, so the client sends the rest in a later transaction.
        error_reply(out, errc::too_many_recipients);
        return;
    }

    const mailbox& recipient = *arguments.address.address;
    if (policy_ == nullptr) {
        pending_question question;
        question.step = next_step::check_recipient;
        question.recipient = recipient;
        pending_ = std::move(question);
        return;
    }
    reply_recipient(recipient, policy_->check_recipient(*transaction_, recipient), 0, out);
}

void session::reply_recipient(const mailbox& recipient, recipient_decision decision,
                              std::int64_t route, session_output& out) {
    switch (decision) {
    case recipient_decision::accept:
        break;
    case recipient_decision::unknown_user:
        ++counters_.recipients_rejected;
        error_reply(out, errc::unknown_user);
        return;
    case recipient_decision::relay_denied:
        ++counters_.recipients_rejected;
        error_reply(out, errc::relay_denied);
        return;
    case recipient_decision::temporary_failure:
        ++counters_.recipients_rejected;
        reply(out, 451, "4.3.0", "Temporary failure, try again later");
        return;
    case recipient_decision::message_rate_exceeded:
        ++counters_.recipients_rejected;
        error_reply(out, errc::message_rate_exceeded);
        return;
    case recipient_decision::recipient_rate_exceeded:
        ++counters_.recipients_rejected;
        error_reply(out, errc::recipient_rate_exceeded);
        return;
    case recipient_decision::remote_unavailable:
        ++counters_.recipients_rejected;
        error_reply(out, errc::remote_delivery_unavailable);
        return;
    }

    // A repeated recipient gets one copy; the reply stays positive.
    bool duplicate = false;
    for (const mailbox& existing : transaction_->recipients) {
        duplicate = duplicate || existing.text() == recipient.text();
    }
    if (!duplicate) {
        transaction_->recipients.push_back(recipient);
        transaction_->recipient_routes.push_back(route);
        ++counters_.recipients_accepted;
    }
    reply(out, 250, "2.1.5", "Recipient OK");
}

void session::handle_data(const command_line& command, session_output& out) {
    if (!command.argument.empty()) {
        error_reply(out, errc::unexpected_argument);
        return;
    }
    if (!transaction_) {
        error_reply(out, errc::mail_required);
        return;
    }
    if (transaction_->recipients.empty()) {
        // RFC 2920 §3.2 and RFC 5321 §3.3: no 354 without an accepted recipient, so a
        // pipelined body is then read as commands and never delivered.
        error_reply(out, errc::no_valid_recipients);
        return;
    }
    if (transaction_used_bdat_) {
        error_reply(out, errc::data_after_bdat);
        return;
    }
    if (transaction_->body == body_type::binary_mime) {
        // RFC 3030: BODY=BINARYMIME must be sent with BDAT.
        error_reply(out, errc::binarymime_needs_bdat);
        return;
    }

    data_.emplace(config_.limits.message_size_max);
    lines_.set_max_line_size(config_.limits.text_line_max);
    mode_ = mode::data;
    reply(out, 354, "", "End data with <CR><LF>.<CR><LF>");
}

void session::finish_data(session_output& out) {
    mode_ = mode::command;
    lines_.set_max_line_size(command_line_limit());

    std::optional<errc> rejection;
    switch (data_->verdict()) {
    case data_verdict::acceptable:
        break;
    case data_verdict::bare_line_ending:
        rejection = errc::message_bare_line_ending;
        break;
    case data_verdict::line_too_long:
        // RFC 5322 §2.1.1 forbids lines over 998 characters and RFC 5321 §4.5.3.1.6 caps
        // text lines at 1000 octets with CR LF. The "500 Line too long" of §4.5.3.1.9 is
        // not among the end-of-data replies of RFC 5321 §4.3.2, but 554 is; 5.6.0 is the
        // media error of RFC 3463 §3.7.
        rejection = errc::message_line_too_long;
        break;
    case data_verdict::too_large:
        // RFC 1870: a message found too large after DATA gets 552 at its end.
        rejection = errc::message_too_large;
        break;
    }

    if (!rejection) {
        deliver(data_->message(), out);
    } else {
        ++counters_.messages_rejected;
        out.events.push_back(fmt::format("event=message_rejected queue_id={} reason={} size={}",
                                         transaction_->queue_id, reply_for(*rejection).name,
                                         data_->received_size()));
        error_reply(out, *rejection);
    }
    reset_transaction();
}

void session::handle_bdat(const command_line& command, session_output& out) {
    const bdat_arguments arguments = parse_bdat_arguments(command.argument);
    if (!arguments.valid) {
        // Without a valid chunk size the chunk's end is unknown, and reading its octets
        // as commands would execute client data. Closing is the only safe reply.
        error_reply(out, errc::bdat_syntax);
        if (mode_ != mode::closed) {
            close_with(out, errc::closing_bdat_out_of_sync);
        }
        return;
    }

    // RFC 3030: the chunk is read in full even when the command fails, so the
    // octets are never taken as commands. The error reply comes after the chunk.
    bdat_remaining_ = arguments.size;
    bdat_last_ = arguments.last;
    bdat_error_.reset();
    if (!transaction_) {
        bdat_error_ = errc::mail_required;
    } else if (transaction_->recipients.empty()) {
        bdat_error_ = errc::no_valid_recipients;
    } else if (arguments.size > config_.limits.message_size_max - bdat_message_.size()) {
        bdat_error_ = errc::message_too_large;
    }
    if (transaction_) {
        transaction_used_bdat_ = true;
    }

    mode_ = mode::bdat;
    if (bdat_remaining_ == 0) {
        finish_bdat_chunk(out);
    }
}

void session::consume_bdat(std::string_view& input, session_output& out) {
    const std::size_t size =
        static_cast<std::size_t>(std::min<std::uint64_t>(bdat_remaining_, input.size()));
    if (!bdat_error_) {
        bdat_message_.append(input.substr(0, size));
    }
    input.remove_prefix(size);
    bdat_remaining_ -= size;
    if (bdat_remaining_ == 0) {
        finish_bdat_chunk(out);
    }
}

void session::finish_bdat_chunk(session_output& out) {
    mode_ = mode::command;
    if (bdat_error_) {
        // RFC 3030: after a failed chunk the transaction is over for the client.
        if (transaction_) {
            ++counters_.messages_rejected;
            out.events.push_back(fmt::format("event=message_rejected queue_id={} reason={}",
                                             transaction_->queue_id, reply_for(*bdat_error_).name));
        }
        reset_transaction();
        error_reply(out, *bdat_error_);
        return;
    }
    if (!bdat_last_) {
        reply(out, 250, "2.0.0", fmt::format("{} octets received", bdat_message_.size()));
        return;
    }
    deliver(bdat_message_, out);
    reset_transaction();
}

std::optional<errc> session::prepare_submitted(std::string& message) {
    if (const std::optional<errc> rejection =
            check_header_senders(message, authenticated_->sender_addresses)) {
        return rejection;
    }
    message.insert(0, missing_header_fields(message, config_.hostname, config_.clock()));
    return std::nullopt;
}

void session::deliver(std::string& message, session_output& out) {
    envelope& transaction = *transaction_;
    if (config_.submission) {
        if (const std::optional<errc> rejection = prepare_submitted(message)) {
            ++counters_.messages_rejected;
            out.events.push_back(fmt::format("event=message_rejected queue_id={} reason={}",
                                             transaction.queue_id, reply_for(*rejection).name));
            error_reply(out, *rejection);
            return;
        }
    }

    trace_facts facts;
    facts.our_hostname = config_.hostname;
    facts.esmtp = greeting_ == greeting::ehlo;
    facts.received_at = config_.clock();
    facts.names_client = config_.received_names_client;
    if (tls_) {
        facts.tls_version = tls_->version;
        facts.tls_cipher = tls_->cipher;
    }

    const std::size_t received_size = message.size();
    message.insert(0, format_trace_headers(transaction, facts));
    if (sink_ == nullptr) {
        pending_question question;
        question.step = next_step::deliver;
        question.transaction = transaction;
        question.message = std::move(message);
        question.received_size = received_size;
        pending_ = std::move(question);
        return;
    }
    const std::vector<delivery_status> results = sink_->deliver(transaction, message);
    reply_delivered(transaction, received_size, results, out);
}

void session::reply_delivered(const envelope& transaction, std::size_t received_size,
                              const std::vector<delivery_status>& results, session_output& out) {
    bool all_delivered = results.size() == transaction.recipients.size();
    for (const delivery_status status : results) {
        all_delivered = all_delivered && status == delivery_status::delivered;
    }

    // DATA and the last BDAT get one reply for the whole transaction (RFC 5321
    // §4.1.1.4); only LMTP replies per recipient. When any recipient failed, 451 makes
    // the client retry all of them: those already stored may get a second copy, but no
    // recipient loses the message.
    if (all_delivered) {
        ++counters_.messages_accepted;
        out.events.push_back(fmt::format("event=message_accepted queue_id={} size={} recipients={}",
                                         transaction.queue_id, received_size,
                                         transaction.recipients.size()));
        reply(out, 250, "2.0.0",
              fmt::format("Message accepted, queue id {}", transaction.queue_id));
        return;
    }
    ++counters_.messages_rejected;
    out.events.push_back(fmt::format("event=delivery_failed queue_id={} recipients={}",
                                     transaction.queue_id, transaction.recipients.size()));
    reply(out, 451, "4.3.0", "Message not stored, try again later");
}

} // namespace skrynka::smtp
