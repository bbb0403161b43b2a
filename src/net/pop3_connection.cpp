// POP3 connection loop over plain TCP, TLS after STLS (RFC 2595 section 4) and implicit
// TLS (RFC 8314), with an inactivity timer re-armed before every read (RFC 1939
// section 3). See pop3_connection.hpp.
#include "src/net/pop3_connection.hpp"

#include "src/metrics/server_metrics.hpp"
#include "src/net/end_waker.hpp"
#include "src/net/stream_io.hpp"
#include "src/net/wipe.hpp"
#include "src/pop3/session.hpp"

#include <array>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/system_error.hpp>
#include <openssl/ssl.h>

namespace skrynka::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::size_t read_buffer_size = 16 * 1024;
// Deadline for the handshake, the greeting and the last words on a closing connection.
constexpr std::chrono::seconds short_deadline{30};
// Deadline for one write of responses. A client that reads nothing for this long while
// a message is sent is treated as gone.
constexpr std::chrono::seconds write_deadline{300};

enum class pump_end { close, start_tls, failed };

// Writes responses to the socket. A failed write ends the session through an exception,
// so the engine stops where it is and deletes nothing.
template <class Stream> class stream_writer : public pop3::response_writer {
  public:
    explicit stream_writer(Stream& stream) : stream_(stream) {}

    asio::awaitable<void> write(std::string_view octets) override {
        // NOTE: the result is stored before the test on purpose. With GCC 12.2, writing
        // "if (!co_await ...)" here and throwing in its body compiled to an illegal
        // instruction at run time.
        const bool written = co_await write_with_deadline(stream_, octets, write_deadline, reason);
        if (!written) {
            throw boost::system::system_error(asio::error::broken_pipe);
        }
    }

    std::string reason;

  private:
    Stream& stream_;
};

template <class Stream>
asio::awaitable<pump_end> pump(Stream& stream, pop3::session& engine, std::string_view first,
                               std::string& reason, session_end& end) {
    const end_waker<Stream> waker(stream, end);
    stream_writer<Stream> writer(stream);
    if (!co_await write_with_deadline(stream, first, short_deadline, reason)) {
        co_return pump_end::failed;
    }

    std::array<char, read_buffer_size> buffer;
    while (true) {
        // Checked on this strand right before the read starts, so a later request's
        // cancel always finds the read pending.
        read_result input;
        if (!end.requested()) {
            input = co_await read_with_deadline(stream, buffer, engine.read_timeout());
        }
        if (end.requested()) {
            // The account was wiped: the session ends without the UPDATE state.
            std::string ignored;
            co_await write_with_deadline(
                stream, "-ERR Account closed by the server administrator\r\n", short_deadline,
                ignored);
            reason = "account_closed";
            co_return pump_end::failed;
        }
        if (input.timed_out) {
            // RFC 1939 section 3: the autologout timer closes the session without the
            // UPDATE state, so nothing is deleted.
            std::string ignored;
            co_await write_with_deadline(stream, "-ERR Idle timeout, closing connection\r\n",
                                         short_deadline, ignored);
            reason = "timeout";
            co_return pump_end::failed;
        }
        if (input.error) {
            reason = is_expected_disconnect(input.error)
                         ? "client_closed"
                         : fmt::format("read_failed error=\"{}\"", input.error.message());
            co_return pump_end::failed;
        }

        pop3::next_step step = pop3::next_step::read;
        bool write_failed = false;
        try {
            step = co_await engine.feed(std::string_view(buffer.data(), input.size), writer);
        } catch (const boost::system::system_error&) {
            write_failed = true;
        }
        // PASS and AUTH arguments arrive here; the engine keeps what it needs.
        wipe_bytes(buffer.data(), input.size);
        if (write_failed) {
            reason = writer.reason.empty() ? "write_failed" : writer.reason;
            co_return pump_end::failed;
        }
        if (step == pop3::next_step::start_tls) {
            co_return pump_end::start_tls;
        }
        if (step == pop3::next_step::close) {
            co_return pump_end::close;
        }
    }
}

void log_disconnect(const connection_log& log, const pop3::session& engine, std::string_view reason,
                    bool tls) {
    const pop3::session_counters& counts = engine.counters();
    log.info(fmt::format("event=disconnect reason={} tls={}{}{} commands={} errors={} "
                         "retrieved={} deleted={}",
                         reason, tls ? "yes" : "no",
                         engine.user().empty() ? "" : " user=", engine.user(), counts.commands,
                         counts.errors, counts.messages_retrieved, counts.messages_deleted));
}

std::string end_reason(const pop3::session& engine, pump_end end, const std::string& reason) {
    if (end == pump_end::failed) {
        return reason;
    }
    return engine.close_reason().empty() ? std::string("closed")
                                         : std::string(engine.close_reason());
}

// Runs the server handshake on a stream made from plain. Returns nothing after logging
// when it fails.
asio::awaitable<std::unique_ptr<beast::ssl_stream<beast::tcp_stream>>>
handshake(beast::tcp_stream plain, asio::ssl::context& context, const connection_log& log) {
    auto secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(plain), context);
    beast::get_lowest_layer(*secure).expires_after(short_deadline);
    boost::system::error_code error;
    co_await secure->async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(asio::use_awaitable, error));
    beast::get_lowest_layer(*secure).expires_never();
    if (error) {
        log.warn(fmt::format("event=tls_failed error=\"{}\"", error.message()));
        co_return nullptr;
    }
    SSL* ssl = secure->native_handle();
    const char* cipher = SSL_get_cipher_name(ssl);
    log.info(fmt::format("event=tls_established version={} cipher={}", SSL_get_version(ssl),
                         cipher != nullptr ? cipher : "unknown"));
    co_return secure;
}

} // namespace

std::string pop3_busy_reply() {
    return "-ERR [SYS/TEMP] Too many connections from your address, try again later\r\n";
}

asio::awaitable<void> run_pop3_connection(asio::ip::tcp::socket socket, connection_info info,
                                          const pop3_service& service) {
    const connection_log log(info, "pop3");
    metrics::count(metrics::counter::connections, metrics::protocol::pop3);
    log.info(service.implicit_tls ? "event=connect tls=implicit" : "event=connect");

    pop3::session_config config;
    config.hostname = service.hostname;
    config.tls_available = service.tls != nullptr;
    config.implicit_tls = service.implicit_tls;
    config.cleartext_login_allowed =
        service.cleartext_login_allowed && service.cleartext_login_allowed(info);
    config.limits = service.limits;
    config.log = [&log](std::string_view fields) { log.info(fields); };
    std::unique_ptr<pop3::authenticator> accounts = service.accounts(info);
    pop3::session engine(std::move(config), *accounts);

    beast::tcp_stream plain(std::move(socket));
    std::string reason;
    std::string greeting = engine.greet();
    if (!service.implicit_tls) {
        const pump_end end = co_await pump(plain, engine, greeting, reason, *info.end);
        if (end != pump_end::start_tls) {
            log_disconnect(log, engine, end_reason(engine, end, reason), false);
            boost::system::error_code ignored;
            plain.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
            co_return;
        }
        // The engine dropped every octet after the STLS line and the read buffer went
        // out of scope with pump(), so the handshake starts from the socket alone.
        engine.tls_started();
        greeting.clear();
    }

    const std::shared_ptr<asio::ssl::context> context = service.tls->current();
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure =
        co_await handshake(std::move(plain), *context, log);
    if (!secure) {
        log_disconnect(log, engine, "tls_handshake_failed", false);
        co_return;
    }

    const pump_end end = co_await pump(*secure, engine, greeting, reason, *info.end);
    log_disconnect(log, engine, end_reason(engine, end, reason), true);
    if (end != pump_end::failed) {
        // Send close_notify. A client that never replies costs at most the short deadline.
        beast::get_lowest_layer(*secure).expires_after(short_deadline);
        boost::system::error_code error;
        co_await secure->async_shutdown(asio::redirect_error(asio::use_awaitable, error));
    }
}

} // namespace skrynka::net
