// Group commit of deliveries: concurrent appends to one account all commit, with
// distinct UIDs, and a bad message in a shared batch fails alone. Every committed message
// has its message.deliver record, and only those.
#include "crypto/user_keys.hpp"
#include "src/server/account_mailboxes.hpp"
#include "storage/audit_entries.hpp"
#include "storage/audit_writer.hpp"
#include "storage/directory.hpp"
#include "storage/error.hpp"
#include "tests/unit/app/temp_folder.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

using namespace skrynka;

namespace {

struct outcome {
    std::optional<storage::message_uid> uid;
    std::optional<std::error_code> error;
};

storage::new_message make_message(int number, bool valid) {
    storage::new_message message;
    message.internal_date = 1796418826;
    message.size = 10;
    message.message_id[0] = static_cast<unsigned char>(number);
    message.sealed_key = {1, 2, 3};
    message.sealed_summary = {4, 5, 6};
    message.chunks = {{7, 8, 9}};
    if (!valid) {
        // A keyword with a space is invalid_argument in mailbox_store::append.
        message.keywords = {"not valid"};
    }
    return message;
}

// Creates a directory database with the audit tables and returns its path.
std::filesystem::path create_directory(const std::filesystem::path& path,
                                       const crypto::secret_bytes& key) {
    storage::directory::open(path, key, storage::open_mode::create_new);
    return path;
}

// A directory.db in folder with the audit writer on it, as serve opens them.
struct delivery_audit {
    explicit delivery_audit(const std::filesystem::path& folder)
        : path(folder / "directory.db"), key(crypto::secret_bytes::random(storage::raw_key_size)),
          writer(create_directory(path, key), key) {}

    // Returns the message.deliver records, read through a connection of their own.
    std::vector<storage::audit_record> deliveries() const {
        storage::directory reader =
            storage::directory::open(path, key, storage::open_mode::open_existing);
        storage::audit_filter filter;
        filter.event = storage::audit_event::message_deliver;
        return storage::audit_log::open(reader.db()).query(filter);
    }

    std::filesystem::path path;
    crypto::secret_bytes key;
    storage::audit_writer writer;
};

storage::audit_entry delivery_record(int number) {
    return storage::delivery_entry("alice@example.org", 10, storage::audit_protocol::smtp,
                                   "192.0.2." + std::to_string(number % 250));
}

// Appends `count` messages concurrently; the message at `bad_index` is invalid.
std::vector<outcome> append_concurrently(const std::filesystem::path& path,
                                         const crypto::secret_bytes& key, int count, int bad_index,
                                         storage::audit_writer& audit) {
    boost::asio::thread_pool pool(4);
    const crypto::user_key_pair owner = crypto::generate_user_key_pair();
    app::server::account_mailbox mailbox(pool, audit, 1, "alice@example.org", path,
                                         crypto::secret_bytes::copy_of(key.bytes()),
                                         owner.public_key);

    boost::asio::io_context io;
    std::vector<outcome> outcomes(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        boost::asio::co_spawn(
            io,
            [&, i]() -> boost::asio::awaitable<void> {
                try {
                    outcomes[static_cast<std::size_t>(i)].uid = co_await mailbox.append_to_inbox(
                        make_message(i, i != bad_index), delivery_record(i));
                } catch (const storage::storage_error& error) {
                    outcomes[static_cast<std::size_t>(i)].error = error.code();
                }
            },
            boost::asio::detached);
    }
    io.run();
    pool.join();
    return outcomes;
}

} // namespace

TEST_CASE("group commit stores every message", "[server][group_commit]") {
    temp_folder folder;
    const auto path = folder.path() / "1.db";
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    storage::mailbox_store::open(path, key, storage::open_mode::create_new).create_mailbox("INBOX");

    delivery_audit audit(folder.path());
    const std::vector<outcome> outcomes = append_concurrently(path, key, 50, -1, audit.writer);

    std::set<storage::message_uid> uids;
    for (const outcome& result : outcomes) {
        REQUIRE(result.uid);
        CHECK_FALSE(result.error);
        uids.insert(*result.uid);
    }
    CHECK(uids.size() == 50);
    CHECK(*uids.begin() == 1);
    CHECK(*uids.rbegin() == 50);

    storage::mailbox_store store =
        storage::mailbox_store::open(path, key, storage::open_mode::open_existing);
    CHECK(store.list_messages(store.find_mailbox("INBOX")->id).size() == 50);
    const std::vector<storage::audit_record> records = audit.deliveries();
    CHECK(records.size() == 50);
    CHECK(records.front().subject == "alice@example.org");
    CHECK(records.front().detail == "size=10 proto=smtp");
}

TEST_CASE("group commit fails a bad message alone", "[server][group_commit]") {
    temp_folder folder;
    const auto path = folder.path() / "1.db";
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    storage::mailbox_store::open(path, key, storage::open_mode::create_new).create_mailbox("INBOX");

    delivery_audit audit(folder.path());
    const std::vector<outcome> outcomes = append_concurrently(path, key, 30, 7, audit.writer);

    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        INFO("message " << i);
        if (i == 7) {
            CHECK_FALSE(outcomes[i].uid);
            REQUIRE(outcomes[i].error);
            CHECK(*outcomes[i].error == storage::errc::invalid_argument);
        } else {
            CHECK(outcomes[i].uid);
            CHECK_FALSE(outcomes[i].error);
        }
    }
    storage::mailbox_store store =
        storage::mailbox_store::open(path, key, storage::open_mode::open_existing);
    CHECK(store.list_messages(store.find_mailbox("INBOX")->id).size() == 29);
    const std::vector<storage::audit_record> records = audit.deliveries();
    CHECK(records.size() == 29);
    for (const storage::audit_record& record : records) {
        CHECK(record.remote != "192.0.2.7");
    }
}

TEST_CASE("group commit reports a missing database", "[server][group_commit]") {
    temp_folder folder;
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);

    delivery_audit audit(folder.path());
    const std::vector<outcome> outcomes =
        append_concurrently(folder.path() / "1.db", key, 3, -1, audit.writer);

    for (const outcome& result : outcomes) {
        CHECK_FALSE(result.uid);
        REQUIRE(result.error);
        CHECK(*result.error == storage::errc::not_found);
    }
    CHECK_FALSE(std::filesystem::exists(folder.path() / "1.db"));
    CHECK(audit.deliveries().empty());
}

TEST_CASE("group commit reports a failed audit append", "[server][group_commit]") {
    temp_folder folder;
    const auto path = folder.path() / "1.db";
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    storage::mailbox_store::open(path, key, storage::open_mode::create_new).create_mailbox("INBOX");
    delivery_audit audit(folder.path());
    // Another connection takes the audit table away, so every audit append fails.
    storage::database::open(audit.path, audit.key, storage::open_mode::open_existing)
        .execute("ALTER TABLE audit_records RENAME TO audit_records_gone");

    const std::vector<outcome> outcomes = append_concurrently(path, key, 5, -1, audit.writer);

    for (const outcome& result : outcomes) {
        CHECK_FALSE(result.uid);
        CHECK(result.error);
    }
    // The messages committed before the audit append failed, so nothing is lost; the
    // sender is told to retry.
    storage::mailbox_store store =
        storage::mailbox_store::open(path, key, storage::open_mode::open_existing);
    CHECK(store.list_messages(store.find_mailbox("INBOX")->id).size() == 5);
}

TEST_CASE("sealed appends commit or fail alone", "[server][group_commit]") {
    temp_folder folder;
    const auto path = folder.path() / "1.db";
    const crypto::secret_bytes key = crypto::secret_bytes::random(storage::raw_key_size);
    storage::mailbox_store::open(path, key, storage::open_mode::create_new).create_mailbox("INBOX");

    delivery_audit audit(folder.path());
    boost::asio::thread_pool pool(4);
    const crypto::user_key_pair owner = crypto::generate_user_key_pair();
    app::server::account_mailbox mailbox(pool, audit.writer, 1, "alice@example.org", path,
                                         crypto::secret_bytes::copy_of(key.bytes()),
                                         owner.public_key);
    boost::asio::io_context io;
    constexpr int count = 20;
    constexpr int failing = 3;
    std::vector<outcome> outcomes(count);
    std::vector<bool> threw(count, false);
    for (int i = 0; i < count; ++i) {
        boost::asio::co_spawn(
            io,
            [&, i]() -> boost::asio::awaitable<void> {
                const std::function<storage::new_message()> seal = [i] {
                    if (i == failing) {
                        throw std::runtime_error("sealing failed");
                    }
                    return make_message(i, true);
                };
                try {
                    outcomes[static_cast<std::size_t>(i)].uid =
                        co_await mailbox.seal_and_append(seal, delivery_record(i));
                } catch (const std::runtime_error&) {
                    threw[static_cast<std::size_t>(i)] = true;
                }
            },
            boost::asio::detached);
    }
    io.run();
    pool.join();

    std::set<storage::message_uid> uids;
    for (int i = 0; i < count; ++i) {
        INFO("message " << i);
        CHECK(threw[static_cast<std::size_t>(i)] == (i == failing));
        CHECK(outcomes[static_cast<std::size_t>(i)].uid.has_value() == (i != failing));
        if (outcomes[static_cast<std::size_t>(i)].uid) {
            uids.insert(*outcomes[static_cast<std::size_t>(i)].uid);
        }
    }
    CHECK(uids.size() == count - 1);
    storage::mailbox_store store =
        storage::mailbox_store::open(path, key, storage::open_mode::open_existing);
    CHECK(store.list_messages(store.find_mailbox("INBOX")->id).size() == count - 1);
    CHECK(audit.deliveries().size() == count - 1);
}
