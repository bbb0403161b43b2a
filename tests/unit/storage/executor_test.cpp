#include "storage/error.hpp"
#include "storage/executor.hpp"
#include "storage/mailbox_store.hpp"
#include "temp_dir.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace skrynka::storage;
namespace asio = boost::asio;

TEST_CASE("executor runs calls serially in order", "[storage][executor]") {
    asio::io_context io;
    asio::thread_pool pool(4);
    executor serial(pool);

    std::atomic<int> active{0};
    std::atomic<int> max_active{0};
    std::mutex order_mutex;
    std::vector<int> order;
    constexpr int calls = 50;

    for (int i = 0; i < calls; ++i) {
        asio::co_spawn(
            io,
            [&, i]() -> asio::awaitable<void> {
                co_await serial.run([&, i] {
                    const int now = ++active;
                    int seen = max_active.load();
                    while (now > seen && !max_active.compare_exchange_weak(seen, now)) {
                    }
                    for (int spin = 0; spin < 1000; ++spin) {
                        std::this_thread::yield();
                    }
                    {
                        std::lock_guard lock(order_mutex);
                        order.push_back(i);
                    }
                    --active;
                });
            },
            asio::detached);
    }
    io.run();
    pool.join();

    REQUIRE(max_active.load() == 1);
    REQUIRE(order.size() == calls);
    for (int i = 0; i < calls; ++i) {
        REQUIRE(order[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("executor returns values and resumes on its context", "[storage][executor]") {
    asio::io_context io;
    asio::thread_pool pool(2);
    executor serial(pool);
    const auto io_thread = std::this_thread::get_id();

    std::thread::id call_thread;
    bool resumed_on_io = false;
    int value = 0;
    std::unique_ptr<int> move_only;

    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            value = co_await serial.run([&] {
                call_thread = std::this_thread::get_id();
                return 42;
            });
            resumed_on_io = std::this_thread::get_id() == io_thread;
            move_only = co_await serial.run([] { return std::make_unique<int>(7); });
        },
        asio::detached);
    io.run();
    pool.join();

    REQUIRE(value == 42);
    REQUIRE(call_thread != io_thread);
    REQUIRE(resumed_on_io);
    REQUIRE(move_only);
    REQUIRE(*move_only == 7);
}

TEST_CASE("executor propagates exceptions to the awaiter", "[storage][executor]") {
    asio::io_context io;
    asio::thread_pool pool(1);
    executor serial(pool);

    std::error_code caught;
    bool void_caught = false;
    bool later_call_ran = false;

    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await serial.run([]() -> int {
                    throw storage_error(errc::busy, "test.db", "database is busy: test.db");
                });
            } catch (const storage_error& error) {
                caught = error.code();
            }
            try {
                co_await serial.run([] { throw std::runtime_error("void call failed"); });
            } catch (const std::runtime_error&) {
                void_caught = true;
            }
            co_await serial.run([&] { later_call_ran = true; });
        },
        asio::detached);
    io.run();
    pool.join();

    REQUIRE(caught == errc::busy);
    REQUIRE(void_caught);
    REQUIRE(later_call_ran);
}

TEST_CASE("executor drives a mailbox store", "[storage][executor]") {
    skrynka::storage::test::temp_dir dir;
    auto key = skrynka::storage::test::test_key();
    auto store = mailbox_store::open(dir / "mailbox.db", key, open_mode::create_new);

    asio::io_context io;
    asio::thread_pool pool(2);
    executor serial(pool);
    std::vector<message_uid> uids;
    std::error_code missing;

    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            const auto inbox = co_await serial.run([&] { return store.create_mailbox("INBOX"); });
            for (int i = 0; i < 3; ++i) {
                new_message message;
                message.chunks = {{1, 2, 3}};
                uids.push_back(
                    co_await serial.run([&] { return store.append(inbox.id, message); }));
            }
            try {
                co_await serial.run([&] { return store.status(inbox.id + 1); });
            } catch (const storage_error& error) {
                missing = error.code();
            }
        },
        asio::detached);
    io.run();
    pool.join();

    REQUIRE(uids == std::vector<message_uid>{1, 2, 3});
    REQUIRE(missing == errc::not_found);
}
