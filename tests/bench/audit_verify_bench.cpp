// Times audit_log::verify over a log of many records. Built with the tests but not run
// by ctest, because its run time depends on the machine.
//
// Usage: audit_verify_bench [RECORDS] [FOLDER]
//   RECORDS  how many records to write first (default 100000)
//   FOLDER   where to create the scratch directory.db (default: the system temp folder);
//            the file is removed at the end.
#include "crypto/secret.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"
#include "storage/transaction.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace skrynka;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(long records, const std::filesystem::path& folder) {
    const auto path = folder / ("audit-bench-" + std::to_string(::getpid()) + ".db");
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    auto dir = storage::directory::open(path, key, storage::open_mode::create_new);
    auto log = storage::audit_log::open(dir.db());

    // Batches of 1000 records per transaction, so that writing is not bound by one
    // fsync per record; verify reads the same rows either way.
    const auto write_start = std::chrono::steady_clock::now();
    constexpr long batch = 1000;
    for (long written = 0; written < records;) {
        storage::transaction tx(dir.db());
        for (long i = 0; i < batch && written < records; ++i, ++written) {
            storage::audit_entry entry;
            entry.actor = storage::audit_actor::system;
            entry.event = storage::audit_event::message_deliver;
            entry.subject = "user" + std::to_string(written % 50) + "@example.org";
            entry.remote = "192.0.2.1";
            entry.detail = "size=" + std::to_string(1000 + written % 90000);
            log.append(tx, entry);
        }
        tx.commit();
    }
    const double write_seconds = seconds_since(write_start);

    const auto verify_start = std::chrono::steady_clock::now();
    const storage::audit_verify_report report = log.verify();
    const double verify_seconds = seconds_since(verify_start);

    std::printf("records=%lld checkpoints=%lld ok=%s write_seconds=%.2f verify_seconds=%.3f "
                "verify_records_per_second=%.0f\n",
                static_cast<long long>(report.records), static_cast<long long>(report.checkpoints),
                report.ok() ? "yes" : "no", write_seconds, verify_seconds,
                static_cast<double>(report.records) / verify_seconds);

    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(path.string() + "-wal", ignored);
    std::filesystem::remove(path.string() + "-shm", ignored);
    return report.ok() ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    const long records = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 100000;
    const std::filesystem::path folder =
        argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
    if (records < 1) {
        std::fprintf(stderr, "audit_verify_bench: RECORDS must be a positive number\n");
        return 2;
    }
    try {
        return run(records, folder);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "audit_verify_bench: %s\n", error.what());
        return 1;
    }
}
