// SMTP mail transaction: MAIL, RCPT, DATA (RFC 5321 §4.1.1.2 to §4.1.1.4) and BDAT
// (RFC 3030). MAIL parameters: SIZE (RFC 1870), BODY (RFC 6152, RFC 3030) and
// SMTPUTF8 (RFC 6531 §3.4). Ends with the hand-over of the message to the delivery sink.
#include <fmt/format.h>

#include "src/smtp/reply.hpp"
#include "src/smtp/session.hpp"
#include "src/smtp/trace_header.hpp"

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
        error_reply(out, 503, "5.5.1", "Send EHLO or HELO first");
        return;
    }
    if (transaction_) {
        error_reply(out, 503, "5.5.1", "Nested MAIL command");
        return;
    }

    const path_arguments arguments = parse_mail_arguments(command.argument);
    switch (arguments.error) {
    case argument_error::none:
        break;
    case argument_error::path_too_long:
        error_reply(out, 501, "5.1.7", "Path too long");
        return;
    case argument_error::path_syntax:
        error_reply(out, 501, "5.1.7", "Invalid sender address syntax");
        return;
    case argument_error::syntax:
    case argument_error::parameter_syntax:
        error_reply(out, 501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
        return;
    }
    if (greeting_ == greeting::helo && !arguments.parameters.empty()) {
        // ESMTP parameters need EHLO (RFC 5321 §4.1.1.11, service extensions).
        error_reply(out, 555, "5.5.4", "MAIL parameters require EHLO");
        return;
    }

    envelope transaction;
    for (const esmtp_parameter& parameter : arguments.parameters) {
        if (parameter.keyword == "SIZE") {
            const auto size = parameter.value ? parse_decimal(*parameter.value) : std::nullopt;
            if (!size) {
                error_reply(out, 501, "5.5.4", "Invalid SIZE parameter");
                return;
            }
            if (*size > config_.limits.message_size_max) {
                // RFC 1870: a declared size over the limit gets 552 at MAIL.
                error_reply(out, 552, "5.3.4", "Message size exceeds the fixed maximum message size");
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
                error_reply(out, 501, "5.5.4", "Invalid BODY parameter");
                return;
            }
        } else if (parameter.keyword == "SMTPUTF8") {
            if (parameter.value) {
                error_reply(out, 501, "5.5.4", "SMTPUTF8 takes no value");
                return;
            }
            transaction.smtputf8 = true;
        } else {
            error_reply(out, 555, "5.5.4", "Unsupported MAIL parameter");
            return;
        }
    }

    if (arguments.address.utf8 && !transaction.smtputf8) {
        // RFC 6531 §3.5: a UTF-8 address without the SMTPUTF8 parameter gets 553 5.6.7.
        error_reply(out, 553, "5.6.7", "UTF-8 address requires the SMTPUTF8 parameter");
        return;
    }

    transaction.sender = arguments.address.address;
    transaction.helo_name = helo_name_;
    transaction.remote_address = config_.remote_address;
    transaction.tls = tls_.has_value();
    transaction.queue_id = fmt::format("{}-{}", config_.session_id, ++transactions_);
    transaction_ = std::move(transaction);
    commands_without_mail_ = 0;
    reply(out, 250, "2.1.0", "Sender OK");
}

void session::handle_rcpt(const command_line& command, session_output& out) {
    if (!transaction_) {
        error_reply(out, 503, "5.5.1", "Send MAIL first");
        return;
    }

    const path_arguments arguments = parse_rcpt_arguments(command.argument);
    switch (arguments.error) {
    case argument_error::none:
        break;
    case argument_error::path_too_long:
        error_reply(out, 501, "5.1.3", "Path too long");
        return;
    case argument_error::path_syntax:
        error_reply(out, 501, "5.1.3", "Invalid recipient address syntax");
        return;
    case argument_error::syntax:
    case argument_error::parameter_syntax:
        error_reply(out, 501, "5.5.4", "Syntax: RCPT TO:<address>");
        return;
    }
    if (!arguments.parameters.empty()) {
        error_reply(out, 555, "5.5.4", "Unsupported RCPT parameter");
        return;
    }
    if (arguments.address.utf8 && !transaction_->smtputf8) {
        error_reply(out, 553, "5.6.7", "UTF-8 address requires the SMTPUTF8 parameter");
        return;
    }
    if (transaction_->recipients.size() >= config_.limits.recipients_max) {
        // RFC 5321 §4.5.3.1.9 and .10: 452, so the client sends the rest in a later transaction.
        error_reply(out, 452, "4.5.3", "Too many recipients");
        return;
    }

    const mailbox& recipient = *arguments.address.address;
    switch (policy_.check_recipient(*transaction_, recipient)) {
    case recipient_decision::accept:
        break;
    case recipient_decision::unknown_user:
        ++counters_.recipients_rejected;
        error_reply(out, 550, "5.1.1", "Mailbox does not exist");
        return;
    case recipient_decision::relay_denied:
        ++counters_.recipients_rejected;
        error_reply(out, 554, "5.7.1", "Relay access denied");
        return;
    case recipient_decision::temporary_failure:
        ++counters_.recipients_rejected;
        reply(out, 451, "4.3.0", "Temporary failure, try again later");
        return;
    }

    // A repeated recipient gets one copy; the reply stays positive.
    bool duplicate = false;
    for (const mailbox& existing : transaction_->recipients) {
        duplicate = duplicate || existing.text() == recipient.text();
    }
    if (!duplicate) {
        transaction_->recipients.push_back(recipient);
        ++counters_.recipients_accepted;
    }
    reply(out, 250, "2.1.5", "Recipient OK");
}

void session::handle_data(const command_line& command, session_output& out) {
    if (!command.argument.empty()) {
        error_reply(out, 501, "5.5.4", "DATA takes no arguments");
        return;
    }
    if (!transaction_) {
        error_reply(out, 503, "5.5.1", "Send MAIL first");
        return;
    }
    if (transaction_->recipients.empty()) {
        // RFC 2920 §3.2 and RFC 5321 §3.3: no 354 without an accepted recipient, so a
        // pipelined body is then read as commands and never delivered.
        error_reply(out, 554, "5.5.1", "No valid recipients");
        return;
    }
    if (transaction_used_bdat_) {
        error_reply(out, 503, "5.5.1", "DATA is not allowed after BDAT");
        return;
    }
    if (transaction_->body == body_type::binary_mime) {
        // RFC 3030: BODY=BINARYMIME must be sent with BDAT.
        error_reply(out, 503, "5.5.1", "BODY=BINARYMIME requires BDAT");
        return;
    }

    data_.emplace(config_.limits.message_size_max);
    lines_.set_max_line_size(config_.limits.text_line_max);
    mode_ = mode::data;
    reply(out, 354, "", "End data with <CR><LF>.<CR><LF>");
}

void session::finish_data(session_output& out) {
    mode_ = mode::command;
    lines_.set_max_line_size(config_.limits.command_line_max);
    const std::string queue_id = transaction_->queue_id;

    switch (data_->verdict()) {
    case data_verdict::acceptable:
        deliver(data_->message(), out);
        break;
    case data_verdict::bare_line_ending:
        ++counters_.messages_rejected;
        out.events.push_back(fmt::format("event=message_rejected queue_id={} reason=bare_line_ending", queue_id));
        error_reply(out, 554, "5.6.0", "Message rejected: bare LF or CR is not allowed");
        break;
    case data_verdict::line_too_long:
        // RFC 5322 §2.1.1 forbids lines over 998 characters and RFC 5321 §4.5.3.1.6 caps
        // text lines at 1000 octets with CR LF. 554 is the end-of-data failure reply of
        // RFC 5321 §4.1.1.4 and 5.6.0 the media error of RFC 3463 §3.7.
        ++counters_.messages_rejected;
        out.events.push_back(fmt::format("event=message_rejected queue_id={} reason=line_too_long", queue_id));
        error_reply(out, 554, "5.6.0", "Message rejected: line longer than 1000 octets");
        break;
    case data_verdict::too_large:
        // RFC 1870: a message found too large after DATA gets 552 at its end.
        ++counters_.messages_rejected;
        out.events.push_back(fmt::format("event=message_rejected queue_id={} reason=too_large size={}",
                                         queue_id, data_->received_size()));
        error_reply(out, 552, "5.3.4", "Message size exceeds the fixed maximum message size");
        break;
    }
    reset_transaction();
}

void session::handle_bdat(const command_line& command, session_output& out) {
    const bdat_arguments arguments = parse_bdat_arguments(command.argument);
    if (!arguments.valid) {
        // Without a valid chunk size the chunk's end is unknown, and reading its octets
        // as commands would execute client data. Closing is the only safe reply.
        error_reply(out, 501, "5.5.4", "Syntax: BDAT chunk-size [LAST]");
        if (mode_ != mode::closed) {
            close_with(out, "4.7.0", "BDAT stream out of sync, closing", "bdat_out_of_sync");
        }
        return;
    }

    // RFC 3030: the chunk is read in full even when the command fails, so the
    // octets are never taken as commands. The error reply comes after the chunk.
    bdat_remaining_ = arguments.size;
    bdat_last_ = arguments.last;
    bdat_error_code_ = 0;
    if (!transaction_) {
        bdat_error_code_ = 503;
        bdat_error_status_ = "5.5.1";
        bdat_error_text_ = "Send MAIL first";
    } else if (transaction_->recipients.empty()) {
        bdat_error_code_ = 554;
        bdat_error_status_ = "5.5.1";
        bdat_error_text_ = "No valid recipients";
    } else if (arguments.size > config_.limits.message_size_max - bdat_message_.size()) {
        bdat_error_code_ = 552;
        bdat_error_status_ = "5.3.4";
        bdat_error_text_ = "Message size exceeds the fixed maximum message size";
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
    if (bdat_error_code_ == 0) {
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
    if (bdat_error_code_ != 0) {
        // RFC 3030: after a failed chunk the transaction is over for the client.
        if (transaction_) {
            ++counters_.messages_rejected;
            out.events.push_back(fmt::format("event=message_rejected queue_id={} reason=bdat_{}",
                                             transaction_->queue_id, bdat_error_code_));
        }
        reset_transaction();
        error_reply(out, bdat_error_code_, bdat_error_status_, bdat_error_text_);
        return;
    }
    if (!bdat_last_) {
        reply(out, 250, "2.0.0", fmt::format("{} octets received", bdat_message_.size()));
        return;
    }
    deliver(bdat_message_, out);
    reset_transaction();
}

void session::deliver(std::string& message, session_output& out) {
    envelope& transaction = *transaction_;
    trace_facts facts;
    facts.our_hostname = config_.hostname;
    facts.esmtp = greeting_ == greeting::ehlo;
    facts.received_at = config_.clock();
    if (tls_) {
        facts.tls_version = tls_->version;
        facts.tls_cipher = tls_->cipher;
    }

    const std::size_t received_size = message.size();
    message.insert(0, format_trace_headers(transaction, facts));
    // TODO: deliver() runs on the I/O thread; storage must move it to the blocking pool.
    const std::vector<delivery_status> results = sink_.deliver(transaction, message);

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
        reply(out, 250, "2.0.0", fmt::format("Message accepted, queue id {}", transaction.queue_id));
        return;
    }
    ++counters_.messages_rejected;
    out.events.push_back(fmt::format("event=delivery_failed queue_id={} recipients={}",
                                     transaction.queue_id, transaction.recipients.size()));
    reply(out, 451, "4.3.0", "Message not stored, try again later");
}

} // namespace skrynka::smtp
