// SMTP AUTH for submission (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms.
// LOGIN's "Username:" and "Password:" prompts are de-facto practice of older clients
// (draft-murchison-sasl-login), not an RFC requirement.
#include "crypto/encoding.hpp"
#include "src/auth/sasl_plain.hpp"
#include "src/smtp/reply.hpp"
#include "src/smtp/session.hpp"

#include <fmt/format.h>

namespace skrynka::smtp {

namespace {

// RFC 4954 §4 lets an AUTH line reach 12288 octets. PLAIN with three fields of 255
// octets (RFC 4616 §2) needs 1024 characters of base64, so 2048 leaves room while keeping
// the buffer small.
constexpr std::size_t sasl_line_max = 2048;

// base64 of "Username:" and "Password:".
constexpr std::string_view username_prompt = "VXNlcm5hbWU6";
constexpr std::string_view password_prompt = "UGFzc3dvcmQ6";

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

std::size_t session::command_line_limit() const {
    if (config_.submission) {
        return std::max(config_.limits.command_line_max, sasl_line_max);
    }
    return config_.limits.command_line_max;
}

bool session::auth_offered() const {
    // RFC 3207 §4 and RFC 8314 §3: credentials only over TLS, so AUTH is not even
    // advertised in cleartext.
    return config_.submission && tls_.has_value() && !authenticated_;
}

const std::string& session::pending_login_name() const {
    return pending_->login_name;
}

const crypto::secret_bytes& session::pending_password() const {
    return pending_->password;
}

const std::string& session::authenticated_user() const {
    static const std::string none;
    return authenticated_ ? authenticated_->user : none;
}

void session::handle_auth(const command_line& command, session_output& out) {
    if (!config_.submission) {
        error_reply(out, is_valid_auth_argument(command.argument) ? errc::auth_not_available
                                                                  : errc::auth_syntax);
        return;
    }
    if (!is_valid_auth_argument(command.argument)) {
        error_reply(out, errc::auth_syntax);
        return;
    }
    if (greeting_ != greeting::ehlo) {
        // AUTH is a service extension, so it needs EHLO (RFC 4954 §4).
        error_reply(out, errc::hello_required);
        return;
    }
    if (!tls_) {
        error_reply(out, errc::auth_needs_tls);
        return;
    }
    if (authenticated_) {
        error_reply(out, errc::auth_already_done);
        return;
    }
    if (transaction_) {
        error_reply(out, errc::auth_in_transaction);
        return;
    }

    const std::string_view argument = command.argument;
    const std::size_t space = argument.find(' ');
    const std::string_view mechanism = argument.substr(0, space);
    const bool has_initial_response = space != std::string_view::npos;
    // RFC 4954 §4: "=" is an initial response of zero length.
    std::string_view initial = has_initial_response ? argument.substr(space + 1) : "";
    if (initial == "=") {
        initial = "";
    }

    if (equals_ignoring_case(mechanism, "PLAIN")) {
        if (has_initial_response) {
            decode_plain(initial, out);
        } else {
            // RFC 4954 §4: an empty challenge is "334 " with the space.
            sasl_challenge("", sasl_step::plain_response, out);
        }
        return;
    }
    if (equals_ignoring_case(mechanism, "LOGIN")) {
        if (has_initial_response) {
            decode_login_username(initial, out);
        } else {
            sasl_challenge(username_prompt, sasl_step::login_username, out);
        }
        return;
    }
    error_reply(out, errc::auth_mechanism_unsupported);
}

void session::sasl_challenge(std::string_view challenge, sasl_step step, session_output& out) {
    out.replies += fmt::format("334 {}\r\n", challenge);
    mode_ = mode::sasl_response;
    sasl_step_ = step;
}

void session::handle_sasl_response(const net::line& line, session_output& out) {
    mode_ = mode::command;
    if (line.too_long) {
        sasl_username_.clear();
        error_reply(out, errc::line_too_long);
        return;
    }
    if (!line.crlf || line.bare_cr) {
        sasl_username_.clear();
        error_reply(out, errc::bare_line_ending);
        return;
    }
    if (line.text == "*") {
        // RFC 4954 §4: the client cancels the exchange with "*", and the reply is 501.
        sasl_username_.clear();
        error_reply(out, errc::auth_cancelled);
        return;
    }
    switch (sasl_step_) {
    case sasl_step::plain_response:
        decode_plain(line.text, out);
        return;
    case sasl_step::login_username:
        decode_login_username(line.text, out);
        return;
    case sasl_step::login_password:
        decode_login_password(line.text, out);
        return;
    }
}

void session::decode_plain(std::string_view response, session_output& out) {
    auto decoded = auth::decode_sasl_plain(response);
    if (const auto* error = std::get_if<auth::sasl_error>(&decoded)) {
        if (*error == auth::sasl_error::authorization_denied) {
            // No user may act as another, so the reply is the 535 of wrong credentials
            // (RFC 4954 §6).
            ++counters_.auth_failures;
            out.events.emplace_back("event=auth_failed reason=authorization_denied");
            error_reply(out, errc::auth_failed);
        } else {
            error_reply(out, errc::auth_response_malformed);
        }
        return;
    }
    auto& credentials = std::get<auth::plain_credentials>(decoded);
    ask_authentication(std::move(credentials.authentication_identity),
                       std::move(credentials.password), out);
}

void session::decode_login_username(std::string_view response, session_output& out) {
    const std::optional<std::vector<unsigned char>> name = crypto::base64_decode(response);
    if (!name || name->empty() || name->size() > auth::max_plain_field_size) {
        error_reply(out, errc::auth_response_malformed);
        return;
    }
    sasl_username_.assign(name->begin(), name->end());
    sasl_challenge(password_prompt, sasl_step::login_password, out);
}

void session::decode_login_password(std::string_view response, session_output& out) {
    std::string login_name = std::move(sasl_username_);
    sasl_username_.clear();
    // The password goes straight into guarded memory.
    std::optional<crypto::secret_bytes> password = crypto::base64_decode_secret(response);
    if (!password || password->empty() || password->size() > auth::max_plain_field_size) {
        error_reply(out, errc::auth_response_malformed);
        return;
    }
    ask_authentication(std::move(login_name), std::move(*password), out);
}

void session::ask_authentication(std::string login_name, crypto::secret_bytes password,
                                 session_output& out) {
    if (users_ == nullptr && policy_ == nullptr) {
        pending_question question;
        question.step = next_step::authenticate;
        question.login_name = std::move(login_name);
        question.password = std::move(password);
        pending_ = std::move(question);
        return;
    }
    if (users_ == nullptr) {
        // Immediate mode without an authenticator cannot check anything.
        error_reply(out, errc::auth_temporary_failure);
        return;
    }
    reply_authenticated(users_->authenticate(login_name, password), out);
}

session_output session::authentication_finished(const auth_outcome& outcome) {
    session_output out;
    pending_.reset();
    reply_authenticated(outcome, out);
    return resume_with(out);
}

void session::reply_authenticated(const auth_outcome& outcome, session_output& out) {
    switch (outcome.status) {
    case auth_status::success:
        authenticated_ = outcome;
        out.events.push_back(fmt::format("event=auth_success user={}", outcome.user));
        reply(out, 235, "2.7.0", "Authentication successful");
        return;
    case auth_status::invalid:
        ++counters_.auth_failures;
        out.events.emplace_back("event=auth_failed reason=invalid_credentials");
        error_reply(out, errc::auth_failed);
        return;
    case auth_status::rate_limited:
        ++counters_.auth_failures;
        out.events.emplace_back("event=auth_failed reason=rate_limited");
        error_reply(out, errc::auth_rate_limited);
        return;
    case auth_status::temporary_failure:
        out.events.emplace_back("event=auth_failed reason=temporary_failure");
        error_reply(out, errc::auth_temporary_failure);
        return;
    }
}

} // namespace skrynka::smtp
