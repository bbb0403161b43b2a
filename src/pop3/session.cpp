// POP3 session: input framing, the AUTHORIZATION state with USER/PASS, AUTH PLAIN, CAPA
// and STLS, and the error limits (RFC 1939 sections 3 and 4, RFC 2449, RFC 2595
// section 4, RFC 5034). The TRANSACTION and UPDATE states are in session_transaction.cpp.
#include "src/pop3/session.hpp"

#include "src/auth/sasl_plain.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/pop3/response.hpp"

#include <fmt/format.h>

namespace skrynka::pop3 {

namespace asio = boost::asio;

namespace {

// Responses are written once this many octets are waiting, so a long RETR is streamed.
constexpr std::size_t flush_threshold = 64 * 1024;

errc error_for(command_error parse_error) {
    switch (parse_error) {
    case command_error::empty:
        return errc::empty_command;
    case command_error::argument_too_long:
        return errc::argument_too_long;
    case command_error::unknown_command:
    case command_error::none:
        break;
    }
    return errc::command_unrecognized;
}

bool is_plain_mechanism(std::string_view name) {
    return name.size() == 5 && (name[0] == 'P' || name[0] == 'p') &&
           (name[1] == 'L' || name[1] == 'l') && (name[2] == 'A' || name[2] == 'a') &&
           (name[3] == 'I' || name[3] == 'i') && (name[4] == 'N' || name[4] == 'n');
}

} // namespace

session::session(session_config config, authenticator& accounts)
    : config_(std::move(config)), accounts_(accounts), lines_(config_.limits.line_max),
      tls_active_(config_.implicit_tls) {}

std::string session::greet() {
    // No APOP timestamp: there is no stored password to compute a digest from.
    return format_ok(fmt::format("{} POP3 server ready", config_.hostname));
}

asio::awaitable<next_step> session::feed(std::string_view input, response_writer& out) {
    while (!input.empty()) {
        if (state_ == state::awaiting_tls || state_ == state::closed) {
            // Octets after STLS or after the last response are dropped unread: they
            // arrived in cleartext and must never run inside TLS (RFC 2595 section 4).
            break;
        }
        const std::optional<net::line> line = lines_.next(input);
        if (!line) {
            break;
        }
        co_await handle_line(*line, out);
        if (pending_.size() >= flush_threshold) {
            co_await flush(out);
        }
    }
    co_await flush(out);

    if (state_ == state::awaiting_tls) {
        lines_.clear();
        co_return next_step::start_tls;
    }
    if (state_ == state::closed) {
        co_return next_step::close;
    }
    co_return next_step::read;
}

void session::tls_started() {
    tls_active_ = true;
    lines_.clear();
    user_name_.reset();
    state_ = state::authorization;
}

asio::awaitable<void> session::handle_line(const net::line& line, response_writer& out) {
    ++counters_.commands;
    const bool authorizing = state_ == state::authorization || state_ == state::sasl_response;
    if (authorizing && ++commands_before_auth_ > config_.limits.commands_before_auth_max) {
        close_with(errc::closing_too_many_commands);
        co_return;
    }

    const bool sasl_response = state_ == state::sasl_response;
    if (sasl_response) {
        state_ = state::authorization;
    }
    if (line.too_long) {
        // The line was skipped as it arrived, never buffered.
        error(errc::line_too_long);
        co_return;
    }
    if (line.bare_cr) {
        error(errc::bare_carriage_return);
        co_return;
    }
    if (sasl_response) {
        co_await finish_sasl_plain(line.text);
        co_return;
    }

    metrics::count(metrics::counter::commands, metrics::protocol::pop3);
    const command request = parse_command(line.text);
    if (request.error != command_error::none) {
        error(error_for(request.error));
        co_return;
    }
    if (state_ == state::authorization) {
        co_await handle_authorization(request);
    } else {
        co_await handle_transaction(request, out);
    }
}

asio::awaitable<void> session::handle_authorization(const command& request) {
    switch (request.name) {
    case verb::capa:
        handle_capa();
        co_return;
    case verb::stls:
        handle_stls(request);
        co_return;
    case verb::user:
        co_await handle_user(request);
        co_return;
    case verb::pass:
        co_await handle_pass(request);
        co_return;
    case verb::auth:
        co_await handle_auth(request);
        co_return;
    case verb::apop:
        error(errc::apop_not_supported);
        co_return;
    case verb::quit:
        handle_quit_in_authorization();
        co_return;
    default:
        error(errc::wrong_state);
        co_return;
    }
}

void session::handle_capa() {
    // RFC 2449 section 5: the list may differ between the states, so it shows only what
    // the client can use now.
    std::string lines = "+OK Capability list follows\r\n"
                        "TOP\r\n"
                        "UIDL\r\n"
                        "RESP-CODES\r\n"
                        "AUTH-RESP-CODE\r\n"
                        "PIPELINING\r\n";
    if (state_ == state::authorization) {
        if (login_allowed()) {
            lines += "USER\r\nSASL PLAIN\r\n";
        }
        if (config_.tls_available && !tls_active_) {
            lines += "STLS\r\n";
        }
    }
    lines += "IMPLEMENTATION skrynka\r\n.\r\n";
    pending_ += lines;
}

void session::handle_stls(const command& request) {
    if (!request.arguments.empty()) {
        error(errc::syntax);
        return;
    }
    if (tls_active_) {
        error(errc::tls_already_active);
        return;
    }
    if (!config_.tls_available) {
        error(errc::tls_not_available);
        return;
    }
    ok("Begin TLS negotiation");
    state_ = state::awaiting_tls;
    user_name_.reset();
    log("event=stls");
}

asio::awaitable<void> session::handle_user(const command& request) {
    if (request.arguments.size() != 1) {
        error(errc::syntax);
        co_return;
    }
    if (!login_allowed()) {
        co_await reject_cleartext_login(request.arguments.front());
        co_return;
    }
    // The same reply for every name, so USER does not reveal which accounts exist.
    user_name_ = std::string(request.arguments.front());
    ok("Send PASS");
}

asio::awaitable<void> session::reject_cleartext_login(std::string_view name) {
    co_await accounts_.cleartext_login_refused(name);
    error(errc::cleartext_login_refused);
}

asio::awaitable<void> session::handle_pass(const command& request) {
    if (!login_allowed()) {
        co_await reject_cleartext_login({});
        co_return;
    }
    if (!user_name_) {
        error(errc::user_required);
        co_return;
    }
    // The name is forgotten whatever PASS gets, so a retry starts with USER.
    const std::string name = std::move(*user_name_);
    user_name_.reset();
    if (request.arguments.size() != 1) {
        error(errc::syntax);
        co_return;
    }
    // NOTE: the line reader's buffer held the password before this copy. The next line
    // overwrites it, but it is not wiped.
    crypto::secret_bytes password = crypto::secret_bytes::copy_of(request.arguments.front());
    co_await log_in(name, std::move(password));
}

asio::awaitable<void> session::handle_auth(const command& request) {
    if (!login_allowed()) {
        co_await reject_cleartext_login({});
        co_return;
    }
    if (request.arguments.empty()) {
        // Listing the mechanisms for a bare AUTH is not in RFC 5034, but some older
        // clients send it to discover them.
        pending_ += "+OK\r\nPLAIN\r\n.\r\n";
        co_return;
    }
    if (request.arguments.size() > 2) {
        error(errc::syntax);
        co_return;
    }
    if (!is_plain_mechanism(request.arguments.front())) {
        error(errc::mechanism_not_supported);
        co_return;
    }
    if (request.arguments.size() == 2) {
        // An initial response of "=" stands for an empty one (RFC 5034 section 4),
        // which PLAIN never accepts.
        co_await finish_sasl_plain(request.arguments[1] == "=" ? std::string_view()
                                                               : request.arguments[1]);
        co_return;
    }
    // An empty challenge: "+" and a space (RFC 5034 section 4).
    pending_ += "+ \r\n";
    state_ = state::sasl_response;
}

asio::awaitable<void> session::finish_sasl_plain(std::string_view response) {
    if (response == "*") {
        error(errc::authentication_cancelled);
        co_return;
    }
    auto decoded = auth::decode_sasl_plain(response);
    if (const auto* failure = std::get_if<auth::sasl_error>(&decoded)) {
        if (*failure == auth::sasl_error::authorization_denied) {
            log("event=login_failed mechanism=plain reason=authorization_denied");
            error(errc::authorization_denied);
        } else {
            log("event=login_failed mechanism=plain reason=malformed");
            error(errc::authentication_failed);
        }
        co_return;
    }
    auto& credentials = std::get<auth::plain_credentials>(decoded);
    co_await log_in(credentials.authentication_identity, std::move(credentials.password));
}

asio::awaitable<void> session::log_in(std::string_view name, crypto::secret_bytes password) {
    login_result result = co_await accounts_.login(name, std::move(password));
    switch (result.status) {
    case login_status::success:
        break;
    case login_status::invalid:
        error(errc::authentication_failed);
        co_return;
    case login_status::in_use:
        error(errc::maildrop_in_use);
        co_return;
    case login_status::rate_limited:
        error(errc::login_rate_limited);
        co_return;
    case login_status::temporary_failure:
        error(errc::login_unavailable);
        co_return;
    }

    drop_ = std::move(result.drop);
    user_ = std::move(result.user);
    deleted_.assign(drop_->messages().size(), false);
    state_ = state::transaction;
    ok(maildrop_summary());
    log(fmt::format("event=login user={} messages={}", user_, deleted_.size()));
}

void session::handle_quit_in_authorization() {
    ok(fmt::format("{} POP3 server signing off", config_.hostname));
    state_ = state::closed;
    close_reason_ = "quit";
}

asio::awaitable<void> session::flush(response_writer& out) {
    if (pending_.empty()) {
        co_return;
    }
    std::string batch;
    batch.swap(pending_);
    co_await out.write(batch);
}

void session::ok(std::string_view text) {
    pending_ += format_ok(text);
}

void session::error(errc code) {
    const error_reply_text& reply = reply_for(code);
    pending_ += format_err(reply.code, reply.text);
    ++counters_.errors;
    if (counters_.errors >= config_.limits.errors_max) {
        close_with(errc::closing_too_many_errors);
    }
}

void session::close_with(errc reason) {
    const error_reply_text& reply = reply_for(reason);
    pending_ += format_err(reply.code, reply.text);
    state_ = state::closed;
    close_reason_ = std::string(reply.name);
}

void session::log(std::string_view fields) const {
    if (config_.log) {
        config_.log(fields);
    }
}

} // namespace skrynka::pop3
