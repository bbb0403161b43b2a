// SMTP error table; see error.hpp. Codes follow RFC 5321 §4.2.2 and §4.3.2, enhanced
// statuses RFC 3463 §3, and the SMTPUTF8 replies RFC 6531.
#include "src/smtp/error.hpp"

#include <string>

namespace skrynka::smtp {

namespace {

const error_reply_text& lookup(errc error) {
    static const error_reply_text unknown{"internal", 451, "4.3.0",
                                          "Internal error, try again later"};
    // Sorted by enum value; checked by the unit tests.
    static const error_reply_text table[] = {
        {"line_too_long", 500, "5.5.2", "Line too long"},
        {"bare_line_ending", 500, "5.5.2", "Bare LF or CR in command line is not allowed"},
        {"command_unrecognized", 500, "5.5.2", "Command not recognized"},
        {"unexpected_argument", 501, "5.5.4", "This command takes no arguments"},
        {"missing_argument", 501, "5.5.4", "Argument required"},
        {"helo_syntax", 501, "5.5.4", "Syntax: EHLO domain or address literal"},
        {"auth_syntax", 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"},
        {"auth_not_available", 502, "5.5.1", "Authentication is not available on this port"},
        {"hello_required", 503, "5.5.1", "Send EHLO or HELO first"},
        {"nested_mail", 503, "5.5.1", "Nested MAIL command"},
        {"mail_required", 503, "5.5.1", "Send MAIL first"},
        {"tls_already_active", 503, "5.5.1", "TLS is already active"},
        // RFC 3207 §4: 454 when TLS cannot be started.
        {"tls_not_available", 454, "4.7.0", "TLS not available"},
        {"starttls_in_transaction", 503, "5.5.1",
         "STARTTLS is not allowed inside a mail transaction"},
        {"mail_syntax", 501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"},
        {"sender_syntax", 501, "5.1.7", "Invalid sender address syntax"},
        {"sender_path_too_long", 501, "5.1.7", "Path too long"},
        {"parameters_need_ehlo", 555, "5.5.4", "MAIL parameters require EHLO"},
        {"invalid_size_parameter", 501, "5.5.4", "Invalid SIZE parameter"},
        {"invalid_body_parameter", 501, "5.5.4", "Invalid BODY parameter"},
        {"invalid_smtputf8_parameter", 501, "5.5.4", "SMTPUTF8 takes no value"},
        {"unsupported_mail_parameter", 555, "5.5.4", "Unsupported MAIL parameter"},
        {"utf8_needs_smtputf8", 553, "5.6.7", "UTF-8 address requires the SMTPUTF8 parameter"},
        {"rcpt_syntax", 501, "5.5.4", "Syntax: RCPT TO:<address>"},
        {"recipient_syntax", 501, "5.1.3", "Invalid recipient address syntax"},
        {"recipient_path_too_long", 501, "5.1.3", "Path too long"},
        {"unsupported_rcpt_parameter", 555, "5.5.4", "Unsupported RCPT parameter"},
        {"too_many_recipients", 452, "4.5.3", "Too many recipients"},
        {"unknown_user", 550, "5.1.1", "Mailbox does not exist"},
        {"relay_denied", 554, "5.7.1", "Relay access denied"},
        {"no_valid_recipients", 554, "5.5.1", "No valid recipients"},
        {"data_after_bdat", 503, "5.5.1", "DATA is not allowed after BDAT"},
        {"binarymime_needs_bdat", 503, "5.5.1", "BODY=BINARYMIME requires BDAT"},
        {"bdat_syntax", 501, "5.5.4", "Syntax: BDAT chunk-size [LAST]"},
        {"message_bare_line_ending", 554, "5.6.0",
         "Message rejected: bare LF or CR is not allowed"},
        {"message_line_too_long", 554, "5.6.0", "Message rejected: line longer than 1000 octets"},
        {"message_too_large", 552, "5.3.4", "Message size exceeds the fixed maximum message size"},
        // RFC 3207 §4 and RFC 4954 §4 and §6 give the codes of the AUTH replies.
        {"auth_needs_tls", 530, "5.7.0", "Must issue a STARTTLS command first"},
        {"auth_already_done", 503, "5.5.1", "Already authenticated"},
        {"auth_in_transaction", 503, "5.5.1", "AUTH is not allowed inside a mail transaction"},
        {"auth_mechanism_unsupported", 504, "5.5.4", "Unrecognized authentication mechanism"},
        {"auth_cancelled", 501, "5.0.0", "Authentication cancelled"},
        {"auth_response_malformed", 501, "5.5.2", "Cannot decode the authentication response"},
        {"auth_failed", 535, "5.7.8", "Authentication credentials invalid"},
        {"auth_rate_limited", 454, "4.7.0", "Too many failed logins, try again later"},
        {"auth_temporary_failure", 454, "4.7.0", "Temporary authentication failure"},
        {"auth_required", 530, "5.7.0", "Authentication required"},
        {"sender_not_owned", 553, "5.7.1", "Sender address is not an address of your account"},
        {"header_sender_not_owned", 553, "5.7.1",
         "From or Sender header address is not an address of your account"},
        {"header_from_missing", 554, "5.6.0", "Message rejected: no From header field"},
        {"message_rate_exceeded", 450, "4.7.1", "Message rate limit reached, try again later"},
        {"recipient_rate_exceeded", 452, "4.5.3", "Recipient rate limit reached, try again later"},
        {"remote_delivery_unavailable", 550, "5.7.1",
         "Delivery to other domains is not enabled on this server"},
        {"too_many_errors", 421, "4.7.0", "Too many errors, closing connection"},
        {"too_many_commands", 421, "4.7.0",
         "Too many commands without a mail transaction, closing"},
        {"bdat_out_of_sync", 421, "4.7.0", "BDAT stream out of sync, closing"},
    };
    const auto index = static_cast<std::size_t>(error) - 1;
    if (index >= std::size(table)) {
        return unknown;
    }
    return table[index];
}

class category : public std::error_category {
  public:
    const char* name() const noexcept override { return "smtp"; }
    std::string message(int value) const override {
        return std::string(lookup(static_cast<errc>(value)).text);
    }
};

} // namespace

const error_reply_text& reply_for(errc error) {
    return lookup(error);
}

const std::error_category& smtp_category() {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc error) {
    return {static_cast<int>(error), smtp_category()};
}

} // namespace skrynka::smtp
