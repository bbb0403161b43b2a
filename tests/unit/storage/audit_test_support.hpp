// Shared set-up for the audit log tests: a directory with its audit log, a controllable
// clock, and ways to tamper with a copy of the database through SQL.
#pragma once

#include "crypto/signing.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace skrynka::storage::test {

// A directory and the audit log on it. Not movable, because the log keeps the address
// of the directory's database.
struct audit_store {
    audit_store(const std::filesystem::path& path, const crypto::secret_bytes& key, open_mode mode,
                audit_options options)
        : dir(directory::open(path, key, mode)),
          log(audit_log::open(dir.db(), std::move(options))) {}

    directory dir;
    audit_log log;
};

// A test clock: starts at 2026-01-01T00:00:00Z and moves only when told.
struct manual_clock {
    std::shared_ptr<std::int64_t> now = std::make_shared<std::int64_t>(1767225600000);

    std::function<std::int64_t()> function() const {
        return [now = now] { return *now; };
    }
    void advance(std::int64_t milliseconds) const { *now += milliseconds; }
};

class audit_fixture {
  public:
    explicit audit_fixture(std::int64_t checkpoint_every = 100) {
        options_.checkpoint_every_records = checkpoint_every;
        options_.clock = clock.function();
    }

    std::unique_ptr<audit_store> open(open_mode mode = open_mode::open_or_create) {
        return std::make_unique<audit_store>(path(), key, mode, options_);
    }
    std::unique_ptr<audit_store> open_copy() {
        return std::make_unique<audit_store>(copy_path(), key, open_mode::open_existing, options_);
    }

    // Appends count records for alice@example.org, advancing the clock a second each.
    static void fill(audit_log& log, int count, const manual_clock& clock) {
        for (int i = 0; i < count; ++i) {
            audit_entry entry;
            entry.actor = audit_actor::user;
            entry.event = audit_event::login_success;
            entry.subject = "alice@example.org";
            entry.remote = "192.0.2.7";
            entry.detail = "proto=imap n=" + std::to_string(i);
            log.append(entry);
            clock.advance(1000);
        }
    }

    // Copies the closed database to copy_path(), replacing an earlier copy.
    void copy() {
        std::filesystem::remove(copy_path());
        std::filesystem::copy_file(path(), copy_path());
    }

    // Runs SQL on the copy, without the audit log's involvement.
    void tamper(std::string_view sql) {
        database db = database::open(copy_path(), key, open_mode::open_existing);
        db.execute(sql);
    }

    std::filesystem::path path() const { return dir / "directory.db"; }
    std::filesystem::path copy_path() const { return dir / "copy.db"; }

    temp_dir dir;
    crypto::secret_bytes key = test_key();
    manual_clock clock;

  private:
    audit_options options_;
};

} // namespace skrynka::storage::test
