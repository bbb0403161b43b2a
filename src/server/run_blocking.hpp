// Runs CPU-heavy work (sealing a message) on the blocking thread pool, off the I/O threads.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <concepts>
#include <type_traits>
#include <utility>

namespace skrynka::app::server {

// Runs function() on some thread of `pool` and resumes the awaiting coroutine on its own
// executor with the result. An exception thrown by function() is rethrown there. Calls
// may run in parallel. `function` and what it refers to must stay alive until the
// co_await completes. The result type must not be void.
template <class F>
requires std::invocable<F&> boost::asio::awaitable<std::invoke_result_t<F&>>
run_blocking(boost::asio::thread_pool& pool, F function) {
    using result_type = std::invoke_result_t<F&>;
    co_return co_await boost::asio::co_spawn(
        pool.get_executor(),
        [call = std::move(function)]() mutable -> boost::asio::awaitable<result_type> {
            co_return call();
        },
        boost::asio::use_awaitable);
}

} // namespace skrynka::app::server
