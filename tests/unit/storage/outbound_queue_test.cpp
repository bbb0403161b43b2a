#include "storage/outbound_queue.hpp"

#include "crypto/error.hpp"
#include "storage/error.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

using namespace skrynka;
using namespace skrynka::storage;
using skrynka::storage::test::temp_dir;

namespace {

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

queued_message envelope_to(std::vector<std::string> recipients) {
    queued_message envelope;
    envelope.sender = "alice@example.org";
    envelope.sender_account = 3;
    envelope.recipients = std::move(recipients);
    return envelope;
}

} // namespace

TEST_CASE("queue splits entries by domain", "[storage][queue]") {
    temp_dir dir;
    const auto key = crypto::secret_bytes::random(32);
    auto queue = outbound_queue::open(dir.path() / "queue.db", key, open_mode::open_or_create);
    const std::string message = "Subject: hi\r\n\r\n" + std::string(70000, 'x') + "\r\n";
    const auto ids = queue.add(
        envelope_to({"a@example.net", "b@Example.NET", "c@example.com"}), message, 1000);
    REQUIRE(ids.size() == 2);

    const auto entries = queue.list();
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].domain == "example.com");
    CHECK(entries[0].recipients == std::vector<std::string>{"c@example.com"});
    CHECK(entries[1].domain == "example.net");
    CHECK(entries[1].recipients == std::vector<std::string>{"a@example.net", "b@Example.NET"});
    CHECK(entries[1].sender == "alice@example.org");
    CHECK(entries[1].sender_account == 3);
    CHECK(entries[1].size == static_cast<std::int64_t>(message.size()));
    for (const queue_entry& entry : entries) {
        CHECK(queue.read_message(entry.id) == message);
    }
}

TEST_CASE("queue schedules and removes entries", "[storage][queue]") {
    temp_dir dir;
    const auto key = crypto::secret_bytes::random(32);
    auto queue = outbound_queue::open(dir.path() / "queue.db", key, open_mode::open_or_create);
    const auto id = queue.add(envelope_to({"a@example.net"}), "Subject: x\r\n\r\n\r\n", 1000)[0];

    CHECK(queue.due(999).empty());
    CHECK(queue.due(1000).size() == 1);
    queue.reschedule(id, {"a@example.net"}, 5000, "451 4.3.0 busy");
    CHECK(queue.due(4999).empty());
    const auto entry = queue.find(id);
    REQUIRE(entry);
    CHECK(entry->attempts == 1);
    CHECK(entry->last_error == "451 4.3.0 busy");
    CHECK(queue.retry_now(id));
    CHECK(queue.due(0).size() == 1);

    CHECK(queue.remove(id));
    CHECK_FALSE(queue.remove(id));
    CHECK_FALSE(queue.retry_now(id));
    CHECK(queue.list().empty());
    CHECK_THROWS_AS(queue.read_message(id), storage_error);
}

TEST_CASE("queue keeps its key across opens", "[storage][queue]") {
    temp_dir dir;
    const auto key = crypto::secret_bytes::random(32);
    queue_entry_id id = 0;
    {
        auto queue = outbound_queue::open(dir.path() / "queue.db", key, open_mode::open_or_create);
        id = queue.add(envelope_to({"a@example.net"}), "Subject: kept\r\n\r\nbody\r\n", 1)[0];
    }
    auto reopened = outbound_queue::open(dir.path() / "queue.db", key, open_mode::open_existing);
    CHECK(reopened.read_message(id) == "Subject: kept\r\n\r\nbody\r\n");

    const auto wrong = crypto::secret_bytes::random(32);
    CHECK_THROWS_AS(outbound_queue::open(dir.path() / "queue.db", wrong, open_mode::open_existing),
                    storage_error);
}

TEST_CASE("queue file holds no plaintext", "[storage][queue]") {
    temp_dir dir;
    const auto key = crypto::secret_bytes::random(32);
    auto queue = outbound_queue::open(dir.path() / "queue.db", key, open_mode::open_or_create);
    const std::string marker = "marker-queue-plaintext-7f3a";
    const auto id = queue.add(envelope_to({"a@example.net"}), "Subject: " + marker + "\r\n\r\n",
                              1)[0];
    CHECK(file_bytes(dir.path() / "queue.db").find(marker) == std::string::npos);
    CHECK(file_bytes(dir.path() / "queue.db-wal").find(marker) == std::string::npos);
    CHECK(queue.remove(id));
}
