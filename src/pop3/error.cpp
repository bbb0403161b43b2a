// POP3 error table; see error.hpp. Response codes: IN-USE and SYS/TEMP, SYS/PERM from
// RFC 2449 section 8 and RFC 3206 section 4, AUTH from RFC 3206 section 5.
#include "src/pop3/error.hpp"

#include <string>

namespace skrynka::pop3 {

namespace {

const error_reply_text& lookup(errc error) {
    static const error_reply_text unknown{"internal", "SYS/TEMP",
                                          "Internal error, try again later"};
    // Sorted by enum value; checked by the unit tests.
    static const error_reply_text table[] = {
        {"line_too_long", "", "Line too long"},
        {"bare_carriage_return", "", "Bare CR in command line is not allowed"},
        {"empty_command", "", "Empty command"},
        {"command_unrecognized", "", "Command not recognized"},
        {"argument_too_long", "", "Argument longer than 255 octets"},
        {"syntax", "", "Syntax error in arguments"},
        {"wrong_state", "", "Command not valid in this state"},
        {"tls_already_active", "", "TLS is already active"},
        {"tls_not_available", "", "TLS not available"},
        // RFC 2595 section 4 lets the server refuse cleartext logins until STLS.
        {"cleartext_login_refused", "AUTH", "Login over cleartext is not allowed, use STLS first"},
        {"user_required", "", "Send USER first"},
        {"apop_not_supported", "", "APOP is not supported, use USER/PASS or AUTH PLAIN"},
        {"mechanism_not_supported", "", "Unsupported SASL mechanism, use PLAIN"},
        {"authentication_cancelled", "", "Authentication cancelled"},
        {"authentication_failed", "AUTH", "Authentication failed"},
        {"authorization_denied", "AUTH", "Authorization identity must match the login"},
        {"maildrop_in_use", "IN-USE", "Maildrop is locked by another POP3 session"},
        {"login_rate_limited", "SYS/TEMP", "Too many failed logins, try again later"},
        {"login_unavailable", "SYS/TEMP", "Login temporarily unavailable, try again later"},
        {"no_such_message", "", "No such message"},
        {"message_deleted", "", "Message already deleted"},
        {"message_unavailable", "SYS/TEMP", "Message cannot be read now, try again later"},
        {"update_failed", "SYS/TEMP", "Some deleted messages were not removed"},
        {"too_many_errors", "", "Too many errors, closing connection"},
        {"too_many_commands", "", "Too many commands without login, closing connection"},
    };
    const auto index = static_cast<std::size_t>(error) - 1;
    if (static_cast<int>(error) < 1 || index >= std::size(table)) {
        return unknown;
    }
    return table[index];
}

class category : public std::error_category {
  public:
    const char* name() const noexcept override { return "pop3"; }
    std::string message(int value) const override {
        return std::string(lookup(static_cast<errc>(value)).text);
    }
};

} // namespace

const error_reply_text& reply_for(errc error) {
    return lookup(error);
}

const std::error_category& pop3_category() {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc error) {
    return {static_cast<int>(error), pop3_category()};
}

} // namespace skrynka::pop3
