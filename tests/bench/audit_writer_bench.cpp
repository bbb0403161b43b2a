// Times the server's audit writer: the same number of records appended one after
// another (one commit and one fsync each) and by many coroutines at once (appends queued
// during a commit share the next one). Built with the tests but not run by ctest,
// because its run time depends on the machine and its disk.
//
// Usage: audit_writer_bench [RECORDS] [CALLERS] [FOLDER]
//   RECORDS  how many records each phase appends (default 2000)
//   CALLERS  how many coroutines append at once in the second phase (default 50)
//   FOLDER   where to create the scratch directory.db (default: the system temp folder);
//            the file is removed at the end.
#include "crypto/secret.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace skrynka;
namespace asio = boost::asio;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

storage::audit_entry delivery(long number) {
    return {storage::audit_actor::system,
            storage::audit_event::message_deliver,
            "user" + std::to_string(number % 50) + "@example.org",
            "192.0.2.1",
            storage::audit_outcome::success,
            "size=" + std::to_string(1000 + number % 90000) + " proto=smtp"};
}

double append_one_by_one(storage::audit_writer& writer, long records) {
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < records; ++i) {
        writer.append_and_wait(delivery(i));
    }
    return seconds_since(start);
}

double append_concurrently(storage::audit_writer& writer, long records, long callers) {
    asio::io_context io;
    const auto start = std::chrono::steady_clock::now();
    for (long caller = 0; caller < callers; ++caller) {
        // Spread the records so that the callers together append exactly `records`.
        const long share = records / callers + (caller < records % callers ? 1 : 0);
        asio::co_spawn(
            io,
            [&writer, share]() -> asio::awaitable<void> {
                for (long i = 0; i < share; ++i) {
                    co_await writer.append(delivery(i));
                }
            },
            asio::detached);
    }
    io.run();
    return seconds_since(start);
}

int run(long records, long callers, const std::filesystem::path& folder) {
    const auto path = folder / ("audit-writer-bench-" + std::to_string(::getpid()) + ".db");
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    storage::directory::open(path, key, storage::open_mode::create_new);

    double sequential = 0;
    double concurrent = 0;
    {
        storage::audit_writer writer(path, key);
        sequential = append_one_by_one(writer, records);
        concurrent = append_concurrently(writer, records, callers);
    }

    std::printf("records=%ld callers=%ld one_by_one_seconds=%.2f one_by_one_per_second=%.0f "
                "concurrent_seconds=%.2f concurrent_per_second=%.0f\n",
                records, callers, sequential, static_cast<double>(records) / sequential, concurrent,
                static_cast<double>(records) / concurrent);

    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(path.string() + "-wal", ignored);
    std::filesystem::remove(path.string() + "-shm", ignored);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const long records = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 2000;
    const long callers = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 50;
    const std::filesystem::path folder =
        argc > 3 ? std::filesystem::path(argv[3]) : std::filesystem::temp_directory_path();
    if (records < 1 || callers < 1) {
        std::fprintf(stderr, "audit_writer_bench: RECORDS and CALLERS must be positive numbers\n");
        return 2;
    }
    try {
        return run(records, callers, folder);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "audit_writer_bench: %s\n", error.what());
        return 1;
    }
}
