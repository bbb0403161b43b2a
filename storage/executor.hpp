// Runs blocking SQLite calls off the network threads, one at a time per database file.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <concepts>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace skrynka::storage {

// A serialized executor for one database file: a strand on the thread pool that all
// databases share for blocking work. Calls submitted through one executor run on a pool
// thread one after another in submission order, never two at once. Calls on different
// executors may run in parallel. Keep one executor per open database and make
// every call on that database through it, so the database is never used from two
// threads at once.
//
// Thread safety: run() may be called from any thread and any coroutine. The pool must
// outlive every executor made from it and every call still queued.
class executor {
  public:
    using strand_type = boost::asio::strand<boost::asio::thread_pool::executor_type>;

    explicit executor(boost::asio::thread_pool& pool)
        : strand_(boost::asio::make_strand(pool.get_executor())) {}

    // Runs function() on this executor's strand and resumes the awaiting coroutine on the
    // coroutine's own executor with the result. An exception thrown by function() is
    // rethrown in the awaiting coroutine. The coroutine's executor counts as busy while
    // the call is queued or running, so its io_context does not run out of work.
    //
    // function is moved to the pool thread. This executor and anything function refers
    // to must stay alive until the co_await completes.
    // NOTE: there is no cancellation; a call that has been queued always runs.
    template <class F>
    requires std::invocable<F&> boost::asio::awaitable<std::invoke_result_t<F&>> run(F function);

    strand_type get_strand() const { return strand_; }

  private:
    template <class Result, class Handler, class F> void start(Handler handler, F function);

    strand_type strand_;
};

template <class F>
requires std::invocable<F&> boost::asio::awaitable<std::invoke_result_t<F&>>
executor::run(F function) {
    using result_type = std::invoke_result_t<F&>;
    using token_type = const boost::asio::use_awaitable_t<>&;

    if constexpr (std::is_void_v<result_type>) {
        co_await boost::asio::async_initiate<token_type, void(std::exception_ptr)>(
            [this](auto handler, F call) {
                this->start<void>(std::move(handler), std::move(call));
            },
            boost::asio::use_awaitable, std::move(function));
    } else {
        // std::optional carries the result, so result_type needs no default constructor.
        std::optional<result_type> result =
            co_await boost::asio::async_initiate<token_type, void(std::exception_ptr,
                                                                  std::optional<result_type>)>(
                [this](auto handler, F call) {
                    this->start<result_type>(std::move(handler), std::move(call));
                },
                boost::asio::use_awaitable, std::move(function));
        co_return std::move(*result);
    }
}

template <class Result, class Handler, class F> void executor::start(Handler handler, F function) {
    auto work = boost::asio::make_work_guard(handler);
    boost::asio::post(strand_, [handler = std::move(handler), function = std::move(function),
                                work = std::move(work)]() mutable {
        std::exception_ptr error;
        if constexpr (std::is_void_v<Result>) {
            try {
                function();
            } catch (...) {
                error = std::current_exception();
            }
            boost::asio::post(work.get_executor(),
                              [handler = std::move(handler), error]() mutable { handler(error); });
        } else {
            std::optional<Result> value;
            try {
                value.emplace(function());
            } catch (...) {
                error = std::current_exception();
            }
            boost::asio::post(work.get_executor(), [handler = std::move(handler), error,
                                                    value = std::move(value)]() mutable {
                handler(error, std::move(value));
            });
        }
        // The completion is queued on the coroutine's executor, which now holds its own
        // work count, so the guard may go.
        work.reset();
    });
}

} // namespace skrynka::storage
