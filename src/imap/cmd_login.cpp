// LOGIN (RFC 3501 section 6.2.3) and AUTHENTICATE PLAIN (section 6.2.2, RFC 4616) with
// an initial response (SASL-IR, RFC 4959). Both are refused before TLS unless the policy
// allows cleartext login (loopback only).
#include "src/auth/sasl_plain.hpp"
#include "src/imap/session_state.hpp"
#include "src/mime/text.hpp"

#include <fmt/format.h>
#include <sodium.h>

namespace skrynka::imap {

namespace {

// Failed logins after which the session ends, to slow down guessing.
constexpr std::size_t max_failed_logins = 3;

crypto::secret_bytes to_secret(std::string& text) {
    crypto::secret_bytes secret(text.size());
    std::copy(text.begin(), text.end(), secret.data());
    sodium_memzero(text.data(), text.size());
    return secret;
}

command_result log_in(session_state& session, std::string_view name,
                      const crypto::secret_bytes& password) {
    std::unique_ptr<mail_access> access =
        session.logins.login(name, password, session.config.remote_address, session.config.end);
    if (!access) {
        ++session.failed_logins;
        session.event("event=login_failed");
        command_result result =
            command_result::no("[AUTHENTICATIONFAILED] Invalid user name or password");
        if (session.failed_logins >= max_failed_logins) {
            session.send("* BYE Too many failed logins\r\n");
            result.step = next_step::close;
        }
        return result;
    }
    session.access = std::move(access);
    session.state = protocol_state::authenticated;
    session.event(fmt::format("event=login user={}", session.access->account_name()));
    return command_result::ok("[CAPABILITY " + capability_list(session) + "] Logged in");
}

command_result reject_cleartext(session_state& session, std::string_view name) {
    session.logins.record_rejected_login(name, session.config.remote_address,
                                         storage::login_failure_reason::cleartext_refused);
    return command_result::no("[PRIVACYREQUIRED] Log in after STARTTLS");
}

} // namespace

command_result run_login(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    std::optional<std::string> name;
    std::optional<std::string> password;
    if (!arguments.space() || !(name = arguments.astring()) || !arguments.space() ||
        !(password = arguments.astring()) || !arguments.at_end()) {
        if (password) {
            sodium_memzero(password->data(), password->size());
        }
        return command_result::bad("LOGIN needs a user name and a password");
    }
    const crypto::secret_bytes secret = to_secret(*password);
    if (!session.login_allowed()) {
        return reject_cleartext(session, *name);
    }
    return log_in(session, *name, secret);
}

command_result run_authenticate(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto mechanism = arguments.space() ? arguments.atom() : std::nullopt;
    if (!mechanism) {
        return command_result::bad("AUTHENTICATE needs a mechanism");
    }
    if (!mime::iequals(*mechanism, "PLAIN")) {
        return command_result::no("Unsupported authentication mechanism");
    }
    if (!session.login_allowed()) {
        return reject_cleartext(session, {});
    }
    if (arguments.at_end()) {
        // An empty challenge is "+" followed by a space (RFC 3501 section 9).
        session.send("+ \r\n");
        session.sasl_tag = std::string(command.tag);
        command_result result;
        result.tagged = false;
        return result;
    }
    const auto initial = arguments.space() ? arguments.atom() : std::nullopt;
    if (!initial || !arguments.at_end()) {
        return command_result::bad("Invalid initial response");
    }
    // RFC 4959: "=" stands for an empty initial response.
    return finish_authenticate(session, *initial == "=" ? std::string_view() : *initial);
}

command_result finish_authenticate(session_state& session, std::string_view response) {
    session.sasl_tag.reset();
    if (response == "*") {
        return command_result::bad("Authentication cancelled");
    }
    auto decoded = auth::decode_sasl_plain(response);
    if (const auto* error = std::get_if<auth::sasl_error>(&decoded)) {
        if (*error == auth::sasl_error::authorization_denied) {
            session.event("event=login_failed reason=authorization");
            return command_result::no("[AUTHORIZATIONFAILED] Cannot act as another user");
        }
        ++session.failed_logins;
        session.event("event=login_failed reason=malformed");
        session.logins.record_rejected_login({}, session.config.remote_address,
                                             storage::login_failure_reason::malformed);
        return command_result::no("[AUTHENTICATIONFAILED] Invalid credentials");
    }
    auto& credentials = std::get<auth::plain_credentials>(decoded);
    return log_in(session, credentials.authentication_identity, credentials.password);
}

} // namespace skrynka::imap
