// Connects a connection loop's stream to its session_end, so that an end requested from
// another thread interrupts the pending read. Template over beast::tcp_stream and
// beast::ssl_stream of it.
#pragma once

#include "src/net/session_end.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/system/error_code.hpp>
#include <memory>

namespace skrynka::net {

// While alive, lets end.request() make the pending read on stream return with
// operation_aborted: the waker posts a cancel to the stream's executor (a strand), where
// the armed flag tells whether the stream still exists.
template <class Stream>
class end_waker {
  public:
    end_waker(Stream& stream, session_end& end) : end_(end), armed_(std::make_shared<bool>(true)) {
        end_.set_waker([executor = stream.get_executor(), armed = armed_, &stream] {
            boost::asio::post(executor, [armed, &stream] {
                if (*armed) {
                    boost::system::error_code ignored;
                    boost::beast::get_lowest_layer(stream).socket().cancel(ignored);
                }
            });
        });
    }
    ~end_waker() {
        *armed_ = false;
        end_.set_waker({});
    }
    end_waker(const end_waker&) = delete;
    end_waker& operator=(const end_waker&) = delete;

  private:
    session_end& end_;
    std::shared_ptr<bool> armed_;
};

} // namespace skrynka::net
