// Socket steps that every mail protocol's connection loop takes the same way: a log
// with the session fields, and writes and reads bounded in time. Templates over
// beast::tcp_stream and beast::ssl_stream of it.
#pragma once

#include "src/net/listener.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <memory>
#include <span>
#include <spdlog/spdlog.h>
#include <string>
#include <string_view>

namespace skrynka::net {

// Log lines of one connection: "session=... proto=... remote=..." then the fields.
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
inline bool is_expected_disconnect(const boost::system::error_code& error) {
    namespace asio = boost::asio;
    return error == asio::error::eof || error == asio::error::connection_reset ||
           error == asio::error::broken_pipe || error == asio::ssl::error::stream_truncated;
}

// Writes all of octets within deadline. Returns false and sets reason ("write_timeout",
// "client_closed" or "write_failed error=...") when the write fails.
template <class Stream>
boost::asio::awaitable<bool> write_with_deadline(Stream& stream, std::string_view octets,
                                                 std::chrono::seconds deadline,
                                                 std::string& reason) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    if (octets.empty()) {
        co_return true;
    }
    beast::get_lowest_layer(stream).expires_after(deadline);
    boost::system::error_code error;
    co_await asio::async_write(stream, asio::buffer(octets.data(), octets.size()),
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

struct read_result {
    std::size_t size = 0;
    boost::system::error_code error;
    bool timed_out = false; // the deadline passed, but the socket can still take a reply
};

// Reads some octets into buffer, waiting at most timeout. Unlike Beast's own expiry,
// which closes the socket, the deadline only cancels the read, so the caller can still
// send a last reply before it closes.
template <class Stream>
boost::asio::awaitable<read_result> read_with_deadline(Stream& stream, std::span<char> buffer,
                                                       std::chrono::seconds timeout) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    // Shared with the timer handler, which may run after this frame is gone. The
    // generation check ignores a timer that fired just as the read completed.
    struct watch_state {
        std::uint64_t generation = 0;
        bool timed_out = false;
    };
    const auto watch = std::make_shared<watch_state>();
    beast::get_lowest_layer(stream).expires_never();
    asio::steady_timer deadline(stream.get_executor());
    deadline.expires_after(timeout);
    deadline.async_wait([watch, &stream](boost::system::error_code wait_error) {
        // Generation 0 means the read is still pending, so stream is alive.
        if (wait_error || watch->generation != 0) {
            return;
        }
        watch->timed_out = true;
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().cancel(ignored);
    });

    read_result result;
    result.size =
        co_await stream.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                        asio::redirect_error(asio::use_awaitable, result.error));
    watch->generation = 1;
    deadline.cancel();
    result.timed_out = watch->timed_out && result.error == asio::error::operation_aborted;
    co_return result;
}

} // namespace skrynka::net
