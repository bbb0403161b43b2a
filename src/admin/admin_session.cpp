#include "src/admin/admin_session.hpp"

#include "src/logging/logging.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/net/stream_io.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

namespace skrynka::app::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::chrono::seconds write_timeout{30};

// The path of a target for the log, without the query, which may carry an address.
std::string logging_path(std::string_view target) {
    return logging::log_value(target.substr(0, target.find('?')));
}

// Maps a read error to the response a client gets before the connection closes. The
// parser's own error text stays in the log: it may describe the server's internals.
http_response read_error_response(const boost::system::error_code& error) {
    if (error == http::error::header_limit) {
        return json_error(http::status::request_header_fields_too_large, "header_too_large",
                          "the request line and header fields exceed the server's limit");
    }
    if (error == http::error::body_limit) {
        return json_error(http::status::payload_too_large, "body_too_large",
                          "the request body exceeds the server's limit");
    }
    return json_error(http::status::bad_request, "malformed_request",
                      "the request is not valid HTTP/1.1");
}

template <class Stream>
asio::awaitable<bool> write_response(Stream& stream, http_response& response,
                                     const net::connection_log& log) {
    beast::get_lowest_layer(stream).expires_after(write_timeout);
    boost::system::error_code error;
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        log.info(fmt::format("event=write_failed error=\"{}\"", error.message()));
        co_return false;
    }
    co_return true;
}

// Serves requests until the client closes the connection, sends "Connection: close",
// times out or sends a request that cannot be read.
template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, const net::connection_info& info,
                                     const session_service& service, bool tls,
                                     const net::connection_log& log) {
    beast::flat_buffer buffer;
    std::size_t requests = 0;
    std::string reason = "client_closed";
    while (true) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(service.limits.header_max_bytes);
        parser.body_limit(service.limits.body_max_bytes);

        // One deadline covers the idle time before a request and the reading of all of it,
        // so a client that sends one byte at a time cannot hold the connection.
        beast::get_lowest_layer(stream).expires_after(service.limits.request_timeout);
        boost::system::error_code error;
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, error));
        if (error == http::error::end_of_stream || net::is_expected_disconnect(error)) {
            break;
        }
        if (error == beast::error::timeout) {
            reason = "timeout";
            break;
        }
        if (error) {
            log.info(fmt::format("event=bad_request error=\"{}\"", error.message()));
            http_response response = read_error_response(error);
            response.keep_alive(false);
            co_await write_response(stream, response, log);
            reason = "bad_request";
            break;
        }

        ++requests;
        http_request request = parser.release();
        const bool keep_alive = request.keep_alive();
        http_response response = co_await service.router->handle(request, info, tls);
        response.keep_alive(keep_alive);
        log.info(fmt::format(
            "event=request method={} path={} status={}", std::string_view(request.method_string()),
            logging_path(std::string_view(request.target())), response.result_int()));
        if (!co_await write_response(stream, response, log)) {
            reason = "write_failed";
            break;
        }
        if (!keep_alive) {
            reason = "close_requested";
            break;
        }
    }
    log.info(fmt::format("event=disconnect reason={} requests={}", reason, requests));
}

} // namespace

asio::awaitable<void> run_admin_session(asio::ip::tcp::socket socket, net::connection_info info,
                                        const session_service& service) {
    const net::connection_log log(info, "admin");
    metrics::count(metrics::counter::connections, metrics::protocol::admin);
    log.info(service.tls ? "event=connect tls=implicit" : "event=connect");

    beast::tcp_stream plain(std::move(socket));
    if (service.tls == nullptr) {
        co_await serve_requests(plain, info, service, false, log);
        boost::system::error_code ignored;
        plain.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        co_return;
    }

    const std::shared_ptr<asio::ssl::context> context = service.tls->current();
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), *context);
    beast::get_lowest_layer(secure).expires_after(service.limits.request_timeout);
    boost::system::error_code error;
    co_await secure.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        log.info(fmt::format("event=disconnect reason=tls_handshake_failed error=\"{}\"",
                             error.message()));
        co_return;
    }
    co_await serve_requests(secure, info, service, true, log);
    beast::get_lowest_layer(secure).expires_after(std::chrono::seconds(5));
    co_await secure.async_shutdown(asio::redirect_error(asio::use_awaitable, error));
}

} // namespace skrynka::app::admin
