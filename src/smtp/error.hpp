// SMTP client errors as std::error_code values, and the one table that maps each to its
// reply: basic code (RFC 5321 §4.2), enhanced status (RFC 3463) and text.
#pragma once

#include <string_view>
#include <system_error>

namespace skrynka::smtp {

// Errors caused by the client. Each gets an error reply and counts toward the
// per-session error limit, except the three `closing_*` values, which end the session
// with 421.
enum class errc {
    // Framing and commands
    line_too_long = 1,
    bare_line_ending,
    command_unrecognized,
    unexpected_argument,
    missing_argument,
    helo_syntax,
    auth_syntax,
    auth_not_available,
    // Order and TLS
    hello_required,
    nested_mail,
    mail_required,
    tls_already_active,
    tls_not_available,
    starttls_in_transaction,
    // MAIL and RCPT
    mail_syntax,
    sender_syntax,
    sender_path_too_long,
    parameters_need_ehlo,
    invalid_size_parameter,
    invalid_body_parameter,
    invalid_smtputf8_parameter,
    unsupported_mail_parameter,
    utf8_needs_smtputf8,
    rcpt_syntax,
    recipient_syntax,
    recipient_path_too_long,
    unsupported_rcpt_parameter,
    too_many_recipients,
    unknown_user,
    relay_denied,
    // DATA and BDAT
    no_valid_recipients,
    data_after_bdat,
    binarymime_needs_bdat,
    bdat_syntax,
    message_bare_line_ending,
    message_line_too_long,
    message_too_large,
    // Submission: AUTH (RFC 4954), sender binding and rates (RFC 6409)
    auth_needs_tls,
    auth_already_done,
    auth_in_transaction,
    auth_mechanism_unsupported,
    auth_cancelled,
    auth_response_malformed,
    auth_failed,
    auth_rate_limited,
    auth_temporary_failure,
    auth_required,
    sender_not_owned,
    header_sender_not_owned,
    header_from_missing,
    message_rate_exceeded,
    recipient_rate_exceeded,
    remote_delivery_unavailable,
    // Session limits and desynchronisation: 421, then the session closes
    closing_too_many_errors,
    closing_too_many_commands,
    closing_bdat_out_of_sync,
};

// The reply for an error. `name` is a stable snake_case word for logs.
struct error_reply_text {
    std::string_view name;
    int code;
    std::string_view status;
    std::string_view text;
};

// Returns the reply for `error`; an unknown value maps to 451 4.3.0.
const error_reply_text& reply_for(errc error);

// The "smtp" category; message() returns the reply text.
const std::error_category& smtp_category();

std::error_code make_error_code(errc error);

} // namespace skrynka::smtp

template <> struct std::is_error_code_enum<skrynka::smtp::errc> : std::true_type {};
