#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace skrynka::storage;
using skrynka::storage::test::temp_dir;
using skrynka::storage::test::test_key;
namespace asio = boost::asio;

namespace {

audit_entry login_entry(int thread, int index) {
    audit_entry entry;
    entry.actor = audit_actor::user;
    entry.event = audit_event::login_success;
    entry.subject = "user" + std::to_string(thread) + "@example.org";
    entry.remote = "192.0.2.1";
    entry.detail = "proto=imap n=" + std::to_string(index);
    return entry;
}

// A directory.db with the audit tables, as serve has it before the writer opens.
struct writer_fixture {
    writer_fixture() {
        directory::open(path(), key, open_mode::open_or_create);
    }

    std::filesystem::path path() const { return dir.path() / "directory.db"; }

    // Verifies the log through a connection of its own, as `audit verify` does.
    audit_verify_report verify() const {
        directory reader = directory::open(path(), key, open_mode::open_existing);
        return audit_log::open(reader.db()).verify();
    }

    temp_dir dir;
    skrynka::crypto::secret_bytes key = test_key();
};

// Collects sequence numbers from many threads.
struct sequence_sink {
    void add(const std::vector<std::int64_t>& sequences) {
        const std::lock_guard lock(mutex);
        all.insert(all.end(), sequences.begin(), sequences.end());
    }

    std::mutex mutex;
    std::vector<std::int64_t> all;
};

} // namespace

TEST_CASE("audit writer appends from several threads", "[storage][audit][writer]") {
    writer_fixture f;
    constexpr int coroutine_threads = 3;
    constexpr int coroutines_per_thread = 4;
    constexpr int appends_per_coroutine = 10;
    constexpr int batch_size = 3;
    constexpr int blocking_threads = 2;
    constexpr int blocking_appends = 15;
    sequence_sink sink;
    std::vector<std::vector<std::int64_t>> batches;
    std::mutex batches_mutex;

    {
        audit_options options;
        options.checkpoint_every_records = 10;
        audit_writer writer(f.path(), f.key, options);

        std::vector<std::thread> threads;
        for (int t = 0; t < coroutine_threads; ++t) {
            threads.emplace_back([&, t] {
                asio::io_context io;
                for (int c = 0; c < coroutines_per_thread; ++c) {
                    asio::co_spawn(
                        io,
                        [&, t]() -> asio::awaitable<void> {
                            for (int i = 0; i < appends_per_coroutine; ++i) {
                                const std::int64_t sequence =
                                    co_await writer.append(login_entry(t, i));
                                sink.add({sequence});
                            }
                            std::vector<audit_entry> batch;
                            for (int i = 0; i < batch_size; ++i) {
                                batch.push_back(login_entry(t, 100 + i));
                            }
                            std::vector<std::int64_t> sequences =
                                co_await writer.append(std::move(batch));
                            sink.add(sequences);
                            const std::lock_guard lock(batches_mutex);
                            batches.push_back(std::move(sequences));
                        },
                        asio::detached);
                }
                io.run();
            });
        }
        for (int t = 0; t < blocking_threads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < blocking_appends; ++i) {
                    sink.add({writer.append_and_wait(login_entry(100 + t, i))});
                }
            });
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
    }

    const std::int64_t expected =
        coroutine_threads * coroutines_per_thread * (appends_per_coroutine + batch_size) +
        blocking_threads * blocking_appends;
    std::sort(sink.all.begin(), sink.all.end());
    REQUIRE(static_cast<std::int64_t>(sink.all.size()) == expected);
    for (std::int64_t i = 0; i < expected; ++i) {
        REQUIRE(sink.all[static_cast<std::size_t>(i)] == i + 1);
    }
    // One call's records share a transaction, so nothing else lands between them.
    REQUIRE(batches.size() == coroutine_threads * coroutines_per_thread);
    for (const std::vector<std::int64_t>& batch : batches) {
        REQUIRE(batch.size() == batch_size);
        REQUIRE(batch[1] == batch[0] + 1);
        REQUIRE(batch[2] == batch[0] + 2);
    }

    const audit_verify_report report = f.verify();
    REQUIRE(report.ok());
    REQUIRE(report.records == expected);
    REQUIRE(report.head.sequence == expected);
    REQUIRE(report.checkpoints >= expected / 10);
}

TEST_CASE("audit writer runs checkpoints on its executor", "[storage][audit][writer]") {
    writer_fixture f;
    audit_writer writer(f.path(), f.key);

    asio::io_context io;
    std::int64_t appended = 0;
    std::optional<audit_checkpoint> signed_head;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            appended = co_await writer.append(login_entry(1, 1));
            signed_head = co_await writer.run([](audit_log& log) {
                return log.checkpoint(audit_checkpoint_kind::shutdown);
            });
        },
        asio::detached);
    io.run();

    REQUIRE(appended == 1);
    REQUIRE(signed_head.has_value());
    REQUIRE(signed_head->sequence == 1);
    REQUIRE(signed_head->kind == static_cast<std::uint8_t>(audit_checkpoint_kind::shutdown));
    // The head is signed already, so a second shutdown checkpoint writes nothing.
    const auto again = writer.run_and_wait(
        [](audit_log& log) { return log.checkpoint(audit_checkpoint_kind::shutdown); });
    REQUIRE_FALSE(again.has_value());
    REQUIRE(writer.run_and_wait([](audit_log& log) { return log.checkpoints().size(); }) == 1);
}

TEST_CASE("audit writer appends an empty list as nothing", "[storage][audit][writer]") {
    writer_fixture f;
    audit_writer writer(f.path(), f.key);
    asio::io_context io;
    std::optional<std::size_t> written;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            written = (co_await writer.append(std::vector<audit_entry>{})).size();
        },
        asio::detached);
    io.run();

    REQUIRE(written == 0u);
    REQUIRE(writer.run_and_wait([](audit_log& log) { return log.head().sequence; }) == 0);
}

TEST_CASE("audit writer refuses to wait on its own thread", "[storage][audit][writer]") {
    writer_fixture f;
    audit_writer writer(f.path(), f.key);
    REQUIRE_THROWS_AS(writer.run_and_wait([&writer](audit_log&) {
        writer.append_and_wait(login_entry(1, 1));
    }),
                      std::logic_error);
    REQUIRE(writer.run_and_wait([](audit_log& log) { return log.head().sequence; }) == 0);
}

TEST_CASE("audit writer keeps records across reopening", "[storage][audit][writer]") {
    writer_fixture f;
    {
        audit_writer writer(f.path(), f.key);
        REQUIRE(writer.append_and_wait(login_entry(1, 1)) == 1);
    }
    audit_writer writer(f.path(), f.key);
    REQUIRE(writer.append_and_wait(login_entry(1, 2)) == 2);
    REQUIRE(f.verify().records == 2);
}
