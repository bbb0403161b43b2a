// SMTP connection loop over plain TCP and TLS after STARTTLS (RFC 3207 §4 and §4.2), with
// a deadline re-armed before every read (RFC 5321 §4.5.3.2). See smtp_connection.hpp.
#include "src/net/smtp_connection.hpp"

#include "src/metrics/server_metrics.hpp"
#include "src/net/end_waker.hpp"
#include "src/net/wipe.hpp"
#include "src/smtp/session.hpp"

#include <array>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

namespace skrynka::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Octets read from the socket per call. The engine bounds what it keeps across calls.
constexpr std::size_t read_buffer_size = 16 * 1024;
// Deadline for the handshake and for the last words on a closing connection.
constexpr std::chrono::seconds short_deadline{30};

// State of the current read deadline; the generation changes with every read.
struct read_watch {
    std::uint64_t generation = 0;
    bool timed_out = false;
};

struct pump_result {
    smtp::next_step step = smtp::next_step::close;
    std::string reason; // set when the connection ended other than by the engine's wish
};

class connection_log {
  public:
    connection_log(const connection_info& info, std::string_view proto)
        : info_(info), proto_(proto) {}

    void info(std::string_view fields) const {
        spdlog::info("session={} proto={} remote={} {}", info_.session_id, proto_,
                     info_.remote_address, fields);
    }
    void warn(std::string_view fields) const {
        spdlog::warn("session={} proto={} remote={} {}", info_.session_id, proto_,
                     info_.remote_address, fields);
    }

  private:
    const connection_info& info_;
    std::string_view proto_;
};

// True for the ways a client commonly ends a connection: EOF, reset, and a TLS peer
// that closes the socket without close_notify. These are logged quietly.
bool is_expected_disconnect(const boost::system::error_code& error) {
    return error == asio::error::eof || error == asio::error::connection_reset ||
           error == asio::error::broken_pipe || error == asio::ssl::error::stream_truncated;
}

template <class Stream>
asio::awaitable<bool> write_replies(Stream& stream, const std::string& replies,
                                    std::chrono::seconds deadline, std::string& reason) {
    if (replies.empty()) {
        co_return true;
    }
    beast::get_lowest_layer(stream).expires_after(deadline);
    boost::system::error_code error;
    co_await asio::async_write(stream, asio::buffer(replies),
                               asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        reason = error == beast::error::timeout ? "write_timeout"
                 : is_expected_disconnect(error)
                     ? "client_closed"
                     : fmt::format("write_failed error=\"{}\"", error.message());
        co_return false;
    }
    co_return true;
}

// The account of the session was wiped: RFC 5321 section 3.8 lets the server close with
// 421 when it must.
template <class Stream>
asio::awaitable<pump_result> close_for_account(Stream& stream, pump_result result) {
    std::string ignored;
    co_await write_replies(stream,
                           std::string("421 4.7.0 Account closed by the server administrator\r\n"),
                           short_deadline, ignored);
    result.reason = "account_closed";
    co_return result;
}

// Writes `first`, then reads, feeds the engine and writes its replies until the engine
// requests STARTTLS or the close, or the connection fails. Replies are written after
// each read, once the engine has consumed every complete command (RFC 2920 §3.2).
// Answers the question a deferred-mode engine stopped at and returns what the engine
// produced after the answer. Only the backend's calls leave the I/O thread.
asio::awaitable<smtp::session_output> answer(smtp::session& engine, smtp_backend& backend,
                                             smtp::next_step step, const connection_info& info) {
    if (step == smtp::next_step::authenticate) {
        const smtp::auth_outcome outcome = co_await backend.authenticate(
            info, engine.pending_login_name(), engine.pending_password());
        co_return engine.authentication_finished(outcome);
    }
    if (step == smtp::next_step::check_recipient) {
        const recipient_check check = co_await backend.check_recipient(engine.pending_transaction(),
                                                                       engine.pending_recipient());
        co_return engine.recipient_checked(check.decision, check.route);
    }
    const std::vector<smtp::delivery_status> results =
        co_await backend.deliver(engine.pending_delivery(), std::move(engine.pending_message()));
    co_return engine.delivery_finished(results);
}

template <class Stream>
asio::awaitable<pump_result> pump(Stream& stream, smtp::session& engine, smtp::session_output first,
                                  const smtp_service& service, const connection_log& log,
                                  const connection_info& info) {
    const end_waker<Stream> waker(stream, *info.end);
    const smtp::smtp_limits& limits = service.limits;
    std::array<char, read_buffer_size> buffer;
    asio::steady_timer read_deadline(stream.get_executor());
    // Shared with the timer handler, which may run after this frame is gone.
    const auto watch = std::make_shared<read_watch>();
    smtp::session_output output = std::move(first);
    while (true) {
        for (const std::string& event : output.events) {
            log.info(event);
        }
        pump_result result;
        if (!co_await write_replies(stream, output.replies, limits.server_idle, result.reason)) {
            co_return result;
        }
        if (output.step == smtp::next_step::check_recipient ||
            output.step == smtp::next_step::deliver ||
            output.step == smtp::next_step::authenticate) {
            // The replies so far are written first, so a client waiting for them does
            // not wait for the lookup, the commit or Argon2id as well.
            output = co_await answer(engine, *service.backend, output.step, info);
            continue;
        }
        if (output.step != smtp::next_step::read) {
            result.step = output.step;
            co_return result;
        }

        // Checked on this strand right before the read starts, so a later request's
        // cancel always finds the read pending.
        if (info.end->requested()) {
            co_return co_await close_for_account(stream, result);
        }
        // Beast's own expiry closes the socket, which would make the 421 below impossible,
        // so the read deadline cancels the read instead. The generation check ignores a
        // timer that fired just as the read completed.
        beast::get_lowest_layer(stream).expires_never();
        const std::uint64_t generation = ++watch->generation;
        watch->timed_out = false;
        read_deadline.expires_after(engine.read_timeout());
        read_deadline.async_wait(
            [watch, generation, &stream](boost::system::error_code wait_error) {
                // A matching generation means the read is still pending, so `stream` is alive.
                if (wait_error || generation != watch->generation) {
                    return;
                }
                watch->timed_out = true;
                boost::system::error_code ignored;
                beast::get_lowest_layer(stream).socket().cancel(ignored);
            });
        boost::system::error_code error;
        const std::size_t size = co_await stream.async_read_some(
            asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, error));
        ++watch->generation;
        read_deadline.cancel();
        if (info.end->requested() && error == asio::error::operation_aborted) {
            co_return co_await close_for_account(stream, result);
        }
        if (watch->timed_out && error == asio::error::operation_aborted) {
            // RFC 5321 §4.5.3.2.7 lets the server close an idle session; the 421 gives the reason.
            std::string ignored;
            co_await write_replies(stream,
                                   std::string("421 4.4.2 Idle timeout, closing connection\r\n"),
                                   short_deadline, ignored);
            result.reason = "timeout";
            co_return result;
        }
        if (error) {
            result.reason = is_expected_disconnect(error)
                                ? "client_closed"
                                : fmt::format("read_failed error=\"{}\"", error.message());
            co_return result;
        }
        output = engine.feed(std::string_view(buffer.data(), size));
        // AUTH arguments arrive here; the engine keeps what it needs.
        wipe_bytes(buffer.data(), size);
    }
}

smtp::tls_details describe_tls(SSL* ssl) {
    smtp::tls_details details;
    details.version = SSL_get_version(ssl);
    const char* cipher = SSL_get_cipher_name(ssl);
    details.cipher = cipher != nullptr ? cipher : "unknown";
    return details;
}

void log_disconnect(const connection_log& log, const smtp::session& engine, std::string_view reason,
                    bool tls) {
    const smtp::session_counters& counts = engine.counters();
    log.info(fmt::format(
        "event=disconnect reason={} tls={} commands={} errors={} messages_accepted={} "
        "messages_rejected={} recipients_accepted={} recipients_rejected={} auth_failures={}",
        reason, tls ? "yes" : "no", counts.commands, counts.errors, counts.messages_accepted,
        counts.messages_rejected, counts.recipients_accepted, counts.recipients_rejected,
        counts.auth_failures));
}

std::string engine_reason(const smtp::session& engine, const pump_result& result) {
    if (!result.reason.empty()) {
        return result.reason;
    }
    return engine.close_reason().empty() ? std::string("closed")
                                         : std::string(engine.close_reason());
}

} // namespace

asio::awaitable<smtp::auth_outcome> smtp_backend::authenticate(const connection_info&,
                                                               const std::string&,
                                                               const crypto::secret_bytes&) {
    co_return smtp::failed_auth(smtp::auth_status::invalid);
}

std::string smtp_busy_reply(const std::string& hostname) {
    return fmt::format("421 4.7.0 {} Too many connections from your address, try again later\r\n",
                       hostname);
}

asio::awaitable<void> run_smtp_connection(asio::ip::tcp::socket socket, connection_info info,
                                          const smtp_service& service) {
    const connection_log log(info, service.proto);
    metrics::count(metrics::counter::connections,
                   service.submission ? metrics::protocol::submission : metrics::protocol::smtp);
    log.info("event=connect");

    smtp::session_config config;
    config.hostname = service.hostname;
    config.session_id = info.session_id;
    config.remote_address = info.remote_address;
    config.tls_available = service.tls != nullptr;
    config.submission = service.submission;
    config.received_names_client = service.received_names_client;
    config.limits = service.limits;
    std::optional<smtp::session> made;
    if (service.backend != nullptr) {
        made.emplace(std::move(config));
    } else if (service.users != nullptr) {
        made.emplace(std::move(config), *service.policy, *service.sink, *service.users);
    } else {
        made.emplace(std::move(config), *service.policy, *service.sink);
    }
    smtp::session& engine = *made;

    beast::tcp_stream plain(std::move(socket));
    if (!service.implicit_tls) {
        const pump_result result = co_await pump(plain, engine, engine.greet(), service, log, info);
        if (result.step != smtp::next_step::start_tls) {
            log_disconnect(log, engine, engine_reason(engine, result), false);
            boost::system::error_code ignored;
            plain.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            co_return;
        }
    }

    // After STARTTLS the engine has dropped every octet that arrived after the STARTTLS
    // line, and the read buffer went out of scope with pump(), so the handshake starts
    // from the socket alone. Cleartext sent behind STARTTLS reaches OpenSSL and fails the
    // handshake. With implicit TLS (RFC 8314 §3) the handshake comes first of all.
    const std::shared_ptr<asio::ssl::context> context = service.tls->current();
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *context);
    beast::get_lowest_layer(secure).expires_after(short_deadline);
    boost::system::error_code error;
    co_await secure.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        const std::string reason =
            error == beast::error::timeout ? "tls_handshake_timeout" : "tls_handshake_failed";
        log.warn(fmt::format("event=tls_failed error=\"{}\"", error.message()));
        log_disconnect(log, engine, reason, false);
        co_return;
    }

    const smtp::tls_details details = describe_tls(secure.native_handle());
    log.info(
        fmt::format("event=tls_established version={} cipher={}", details.version, details.cipher));
    smtp::session_output first = engine.tls_started(details);
    if (service.implicit_tls) {
        first = engine.greet();
    }
    const pump_result result = co_await pump(secure, engine, std::move(first), service, log, info);
    log_disconnect(log, engine, engine_reason(engine, result), true);

    if (result.reason.empty()) {
        // Send close_notify. A client that never replies costs at most the short deadline.
        beast::get_lowest_layer(secure).expires_after(short_deadline);
        co_await secure.async_shutdown(asio::redirect_error(asio::use_awaitable, error));
    }
}

} // namespace skrynka::net
