// TCP listener with a per-address connection limit; see listener.hpp.
#include "src/net/listener.hpp"

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace skrynka::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string make_session_id() {
    std::array<unsigned char, 8> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed to produce a session id");
    }
    std::string id;
    for (const unsigned char byte : bytes) {
        id += fmt::format("{:02x}", byte);
    }
    return id;
}

} // namespace

struct listener::impl : std::enable_shared_from_this<listener::impl> {
    impl(asio::any_io_executor executor, listener_config config, connection_handler handler)
        : executor_(std::move(executor)), config_(std::move(config)), handler_(std::move(handler)),
          limiter_(config_.connections_per_address_max) {}

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor);
    asio::awaitable<void> reject_busy(tcp::socket socket, connection_info info);

    asio::any_io_executor executor_;
    listener_config config_;
    connection_handler handler_;
    connection_limiter limiter_;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
};

asio::awaitable<void> listener::impl::accept_loop(tcp::acceptor& acceptor) {
    auto self = shared_from_this();
    while (acceptor.is_open()) {
        boost::system::error_code error;
        tcp::socket socket = co_await acceptor.async_accept(
            asio::make_strand(executor_), asio::redirect_error(asio::use_awaitable, error));
        if (error == asio::error::operation_aborted) {
            co_return;
        }
        if (error) {
            // Typically out of file descriptors: log, pause briefly and try again
            // instead of spinning on the same error.
            spdlog::warn("proto={} event=accept_failed error=\"{}\"", config_.proto,
                         error.message());
            asio::steady_timer pause(executor_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
            continue;
        }

        connection_info info;
        info.session_id = make_session_id();
        const tcp::endpoint remote = socket.remote_endpoint(error);
        if (error) {
            continue; // the client is already gone
        }
        info.remote_address = remote.address().to_string();
        info.remote_port = remote.port();

        std::optional<connection_limiter::slot> slot = limiter_.try_acquire(info.remote_address);
        if (!slot) {
            spdlog::warn(
                "session={} proto={} remote={} event=rejected reason=too_many_connections limit={}",
                info.session_id, config_.proto, info.remote_address, limiter_.max_per_address());
            const asio::any_io_executor socket_executor = socket.get_executor();
            asio::co_spawn(socket_executor, reject_busy(std::move(socket), std::move(info)),
                           asio::detached);
            continue;
        }

        // The slot lives in the coroutine frame and is released when the handler ends.
        auto run = [](connection_handler handler, tcp::socket socket, connection_info info,
                      connection_limiter::slot slot) -> asio::awaitable<void> {
            (void)slot;
            co_await handler(std::move(socket), std::move(info));
        };
        const asio::any_io_executor socket_executor = socket.get_executor();
        asio::co_spawn(socket_executor,
                       run(handler_, std::move(socket), std::move(info), std::move(*slot)),
                       [proto = config_.proto](std::exception_ptr failure) {
                           if (!failure) {
                               return;
                           }
                           try {
                               std::rethrow_exception(failure);
                           } catch (const std::exception& error) {
                               spdlog::error("proto={} event=connection_failed error=\"{}\"", proto,
                                             error.what());
                           }
                       });
    }
}

asio::awaitable<void> listener::impl::reject_busy(tcp::socket socket, connection_info info) {
    // Best effort with a short deadline: the client may not read at all.
    asio::steady_timer deadline(socket.get_executor(), std::chrono::seconds(5));
    deadline.async_wait([&socket](boost::system::error_code error) {
        if (!error) {
            socket.close();
        }
    });
    boost::system::error_code error;
    co_await asio::async_write(socket, asio::buffer(config_.busy_reply),
                               asio::redirect_error(asio::use_awaitable, error));
    deadline.cancel();
    socket.shutdown(tcp::socket::shutdown_both, error);
    socket.close(error);
    (void)info;
}

listener::listener(asio::any_io_executor executor, listener_config config,
                   connection_handler handler)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(config), std::move(handler))) {}

listener::~listener() {
    stop();
}

void listener::start() {
    for (const tcp::endpoint& endpoint : impl_->config_.endpoints) {
        auto acceptor = std::make_unique<tcp::acceptor>(impl_->executor_);
        acceptor->open(endpoint.protocol());
        acceptor->set_option(asio::socket_base::reuse_address(true));
        if (endpoint.address().is_v6()) {
            acceptor->set_option(asio::ip::v6_only(true));
        }
        acceptor->bind(endpoint);
        acceptor->listen(asio::socket_base::max_listen_connections);
        spdlog::info("event=listening proto={} address={} port={}", impl_->config_.proto,
                     acceptor->local_endpoint().address().to_string(),
                     acceptor->local_endpoint().port());
        impl_->acceptors_.push_back(std::move(acceptor));
    }
    for (auto& acceptor : impl_->acceptors_) {
        asio::co_spawn(impl_->executor_, impl_->accept_loop(*acceptor), asio::detached);
    }
}

void listener::stop() {
    // The acceptors belong to the executor's threads, so closing them is posted there.
    asio::post(impl_->executor_, [state = impl_] {
        for (auto& acceptor : state->acceptors_) {
            boost::system::error_code ignored;
            acceptor->close(ignored);
        }
    });
}

void listener::set_connections_per_address_max(std::size_t max) {
    impl_->limiter_.set_max_per_address(max);
}

std::vector<tcp::endpoint> listener::local_endpoints() const {
    std::vector<tcp::endpoint> endpoints;
    for (const auto& acceptor : impl_->acceptors_) {
        boost::system::error_code error;
        endpoints.push_back(acceptor->local_endpoint(error));
    }
    return endpoints;
}

} // namespace skrynka::net
