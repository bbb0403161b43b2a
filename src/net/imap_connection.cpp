// IMAP connection loop over plain TCP, STARTTLS and implicit TLS. A deadline is re-armed
// before every read. It is the autologout timer of RFC 3501 section 5.4, or a short poll
// interval while IDLE (RFC 2177), so that changes reach an idling client within seconds.
#include "src/net/imap_connection.hpp"

#include "policies/auth_policy.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/net/end_waker.hpp"
#include "storage/executor.hpp"

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
#include <fmt/format.h>
#include <memory>
#include <openssl/ssl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

namespace skrynka::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::size_t read_buffer_size = 16 * 1024;
// Deadline for the handshake and for writing a response.
constexpr std::chrono::seconds short_deadline{30};

struct read_watch {
    std::uint64_t generation = 0;
    bool timed_out = false;
};

struct pump_result {
    imap::next_step step = imap::next_step::close;
    std::string reason;
};

class connection_log {
  public:
    explicit connection_log(const connection_info& info) : info_(info) {}

    void info(std::string_view fields) const {
        spdlog::info("session={} proto=imap remote={} {}", info_.session_id, info_.remote_address,
                     fields);
    }
    void warn(std::string_view fields) const {
        spdlog::warn("session={} proto=imap remote={} {}", info_.session_id, info_.remote_address,
                     fields);
    }

  private:
    const connection_info& info_;
};

bool is_expected_disconnect(const boost::system::error_code& error) {
    return error == asio::error::eof || error == asio::error::connection_reset ||
           error == asio::error::broken_pipe || error == asio::ssl::error::stream_truncated;
}

template <class Stream>
asio::awaitable<bool> write_replies(Stream& stream, const std::string& replies,
                                    std::string& reason) {
    if (replies.empty()) {
        co_return true;
    }
    beast::get_lowest_layer(stream).expires_after(short_deadline);
    boost::system::error_code error;
    co_await asio::async_write(stream, asio::buffer(replies),
                               asio::redirect_error(asio::use_awaitable, error));
    beast::get_lowest_layer(stream).expires_never();
    if (error) {
        reason = error == beast::error::timeout ? "write_timeout"
                 : is_expected_disconnect(error)
                     ? "client_closed"
                     : fmt::format("write_failed error=\"{}\"", error.message());
        co_return false;
    }
    co_return true;
}

// Writes first, then reads, runs the engine on the blocking pool and writes its output,
// until the engine requests STARTTLS or the close, or the connection fails.
template <class Stream>
asio::awaitable<pump_result> pump(Stream& stream, imap::session& engine, storage::executor& worker,
                                  imap::session_output first, const imap_service& service,
                                  const connection_log& log, session_end& end) {
    const end_waker<Stream> waker(stream, end);
    std::array<char, read_buffer_size> buffer;
    asio::steady_timer read_deadline(stream.get_executor());
    const auto watch = std::make_shared<read_watch>();
    imap::session_output output = std::move(first);
    std::chrono::seconds idle_elapsed{0};
    while (true) {
        for (const std::string& event : output.events) {
            log.info(event);
        }
        pump_result result;
        if (!co_await write_replies(stream, output.replies, result.reason)) {
            co_return result;
        }
        if (output.step != imap::next_step::read) {
            result.step = output.step;
            co_return result;
        }
        // Checked on this strand right before the read starts, so a later request's
        // cancel always finds the read pending.
        if (end.requested()) {
            output = engine.account_closed();
            continue;
        }

        const bool idling = engine.idling();
        const std::chrono::seconds wait =
            idling ? std::min(service.idle_poll_interval, engine.read_timeout())
                   : engine.read_timeout();
        const std::uint64_t generation = ++watch->generation;
        watch->timed_out = false;
        read_deadline.expires_after(wait);
        read_deadline.async_wait([watch, generation, &stream](boost::system::error_code error) {
            if (error || generation != watch->generation) {
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

        if (end.requested() && error == asio::error::operation_aborted) {
            output = engine.account_closed();
            continue;
        }
        if (watch->timed_out && error == asio::error::operation_aborted) {
            idle_elapsed += wait;
            if (idling && idle_elapsed < engine.read_timeout()) {
                output = co_await worker.run([&engine] { return engine.poll(); });
                continue;
            }
            // RFC 3501 section 7.1.5: BYE once, then close at once.
            output = engine.timed_out();
            continue;
        }
        if (error) {
            result.reason = is_expected_disconnect(error)
                                ? "client_closed"
                                : fmt::format("read_failed error=\"{}\"", error.message());
            co_return result;
        }
        idle_elapsed = std::chrono::seconds{0};
        const std::string_view input(buffer.data(), size);
        output = co_await worker.run([&engine, input] { return engine.feed(input); });
        // The octets may have carried a password (LOGIN, AUTHENTICATE).
        sodium_memzero(buffer.data(), size);
    }
}

imap::session_config make_config(const imap_service& service, const connection_info& info,
                                 bool tls_active) {
    imap::session_config config;
    config.hostname = service.hostname;
    config.limits = service.limits;
    config.tls_active = tls_active;
    config.tls_available = service.tls != nullptr;
    config.remote_address = info.remote_address;
    config.end = info.end;
    boost::system::error_code error;
    const auto remote = asio::ip::make_address(info.remote_address, error);
    config.cleartext_login_allowed =
        !error &&
        policies::cleartext_auth_allowed(tls_active, remote, service.cleartext_login_on_loopback);
    return config;
}

template <class Stream> asio::awaitable<bool> handshake(Stream& secure, const connection_log& log) {
    beast::get_lowest_layer(secure).expires_after(short_deadline);
    boost::system::error_code error;
    co_await secure.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, error));
    beast::get_lowest_layer(secure).expires_never();
    if (error) {
        log.warn(fmt::format("event=tls_failed error=\"{}\"", error.message()));
        co_return false;
    }
    log.info(
        fmt::format("event=tls_established version={}", SSL_get_version(secure.native_handle())));
    co_return true;
}

void log_disconnect(const connection_log& log, const imap::session& engine, std::string_view reason,
                    bool tls) {
    const std::string account = engine.account();
    log.info(fmt::format("event=disconnect reason={} tls={} user={}",
                         reason.empty() ? "closed" : reason, tls ? "yes" : "no",
                         account.empty() ? "-" : account));
}

} // namespace

std::string imap_busy_reply() {
    return "* BYE Too many connections from your address, try again later\r\n";
}

asio::awaitable<void> run_imap_connection(asio::ip::tcp::socket socket, connection_info info,
                                          const imap_service& service, bool implicit_tls) {
    const connection_log log(info);
    metrics::count(metrics::counter::connections, metrics::protocol::imap);
    log.info(fmt::format("event=connect tls={}", implicit_tls ? "implicit" : "no"));
    // Each session's engine runs on a strand of its own, so sessions run in parallel while
    // one session's commands never overlap.
    storage::executor worker(*service.blocking_pool);
    beast::tcp_stream plain(std::move(socket));

    if (implicit_tls) {
        const std::shared_ptr<asio::ssl::context> context = service.tls->current();
        beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *context);
        if (!co_await handshake(secure, log)) {
            co_return;
        }
        imap::session engine(make_config(service, info, true), *service.logins);
        const pump_result result =
            co_await pump(secure, engine, worker, engine.greet(), service, log, *info.end);
        log_disconnect(log, engine, result.reason, true);
        co_return;
    }

    imap::session engine(make_config(service, info, false), *service.logins);
    pump_result result = co_await pump(plain, engine, worker, engine.greet(), service, log, *info.end);
    if (result.step != imap::next_step::start_tls) {
        log_disconnect(log, engine, result.reason, false);
        boost::system::error_code ignored;
        plain.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        co_return;
    }

    // The engine dropped every octet after the STARTTLS line, and pump's buffer is gone,
    // so the handshake starts from the socket alone (RFC 3501 section 6.2.1).
    const std::shared_ptr<asio::ssl::context> context = service.tls->current();
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *context);
    if (!co_await handshake(secure, log)) {
        log_disconnect(log, engine, "tls_handshake_failed", false);
        co_return;
    }
    imap::session_output started = co_await worker.run([&engine] { return engine.tls_started(); });
    result = co_await pump(secure, engine, worker, std::move(started), service, log, *info.end);
    log_disconnect(log, engine, result.reason, true);
}

} // namespace skrynka::net
