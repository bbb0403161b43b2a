// POP3 errors as std::error_code values, and the one table that maps each to its -ERR
// reply: the response code of RFC 2449 section 8 and RFC 3206, and the text.
#pragma once

#include <string_view>
#include <system_error>

namespace skrynka::pop3 {

// Errors reported to the client with -ERR. Each counts toward the per-session error
// limit, except the `closing_*` values, which end the session.
enum class errc {
    // Framing and commands
    line_too_long = 1,
    bare_carriage_return,
    empty_command,
    command_unrecognized,
    argument_too_long,
    syntax,
    wrong_state,
    // STLS
    tls_already_active,
    tls_not_available,
    // Authorization
    cleartext_login_refused,
    user_required,
    apop_not_supported,
    mechanism_not_supported,
    authentication_cancelled,
    authentication_failed,
    authorization_denied,
    maildrop_in_use,
    login_rate_limited,
    login_unavailable,
    // Transaction
    no_such_message,
    message_deleted,
    message_unavailable,
    update_failed,
    // The session closes after these
    closing_too_many_errors,
    closing_too_many_commands,
};

// The reply for an error. `name` is a stable snake_case word for logs; `code` is the
// bracketed response code without brackets, or empty.
struct error_reply_text {
    std::string_view name;
    std::string_view code;
    std::string_view text;
};

// Returns the reply for `error`; an unknown value maps to a SYS/TEMP internal error.
const error_reply_text& reply_for(errc error);

// The "pop3" category; message() returns the reply text.
const std::error_category& pop3_category();

std::error_code make_error_code(errc error);

} // namespace skrynka::pop3

template <> struct std::is_error_code_enum<skrynka::pop3::errc> : std::true_type {};
