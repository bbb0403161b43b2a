#include "src/message/sealed_message.hpp"

#include "crypto/chunked_aead.hpp"
#include "crypto/error.hpp"
#include "crypto/user_keys.hpp"
#include "storage/directory.hpp"
#include "storage/mailbox_store.hpp"
#include "tests/unit/storage/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace skrynka;
using storage::test::read_bytes;
using storage::test::temp_dir;

namespace {

std::string text_message(const std::string& subject, const std::string& body) {
    return "From: bob@example.net\r\nTo: alice@example.org\r\nSubject: " + subject +
           "\r\nMessage-ID: <m1@example.net>\r\n\r\n" + body;
}

// A body of about 200 KiB whose every byte depends on its position, so a range read that
// returns the wrong span cannot match by accident.
std::string large_body() {
    std::string body;
    for (int line = 0; body.size() < 200 * 1024; ++line) {
        body += "line " + std::to_string(line) + " of the large test message\r\n";
    }
    return body;
}

std::vector<unsigned char> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

bool contains(const std::vector<unsigned char>& haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

struct mailbox_fixture {
    temp_dir state;
    crypto::user_key_pair owner = crypto::generate_user_key_pair();
    storage::mailbox_store store = storage::mailbox_store::open(
        state / "mailbox.db", crypto::secret_bytes::random(32), storage::open_mode::create_new);
    storage::mailbox_id inbox = store.create_mailbox("INBOX").id;

    storage::message_uid deliver(const std::string& raw) {
        return store.append(inbox, message::seal_message(raw, owner.public_key, {}));
    }

    storage::message_row row(storage::message_uid uid) {
        for (auto& candidate : store.list_messages(inbox)) {
            if (candidate.uid == uid) {
                return candidate;
            }
        }
        FAIL("no message with uid " << uid);
        return {};
    }
};

} // namespace

TEST_CASE("sealed message reads back byte for byte", "[message]") {
    mailbox_fixture fixture;
    const auto raw = text_message("hello", "body text\r\n");
    const auto uid = fixture.deliver(raw);

    auto opened = message::open_message(fixture.row(uid), fixture.owner);
    REQUIRE(opened);
    REQUIRE(opened->size() == raw.size());
    REQUIRE(opened->read_all(fixture.store, fixture.inbox) == bytes_of(raw));
    REQUIRE(opened->summary().envelope_.subject_ == "hello");
    REQUIRE(opened->summary().size_ == raw.size());
}

TEST_CASE("sealed message keeps flags and date", "[message]") {
    mailbox_fixture fixture;
    message::message_attributes attributes;
    attributes.flags = storage::flag::seen | storage::flag::flagged;
    attributes.keywords = {"$Forwarded"};
    attributes.internal_date = 760687945;
    const auto uid = fixture.store.append(
        fixture.inbox, message::seal_message(text_message("s", "b\r\n"), fixture.owner.public_key,
                                             attributes));

    const auto row = fixture.row(uid);
    REQUIRE(row.flags == (storage::flag::seen | storage::flag::flagged));
    REQUIRE(row.keywords == std::vector<std::string>{"$Forwarded"});
    REQUIRE(row.internal_date == 760687945);
}

TEST_CASE("sealed message range reads cross chunks", "[message]") {
    mailbox_fixture fixture;
    const auto raw = text_message("large", large_body());
    REQUIRE(raw.size() > 3 * crypto::chunk_size);
    const auto uid = fixture.deliver(raw);
    auto opened = message::open_message(fixture.row(uid), fixture.owner);
    REQUIRE(opened);

    const std::uint64_t offsets[] = {0, crypto::chunk_size - 1, crypto::chunk_size,
                                     crypto::chunk_size + 1, 2 * crypto::chunk_size - 7,
                                     raw.size() - 10};
    for (auto offset : offsets) {
        const std::uint64_t length = 1000;
        const auto expected_length = std::min<std::uint64_t>(length, raw.size() - offset);
        const auto expected = bytes_of(std::string_view(raw).substr(offset, expected_length));
        INFO("offset " << offset);
        REQUIRE(opened->read(fixture.store, fixture.inbox, offset, length) == expected);
    }
    REQUIRE(opened->read(fixture.store, fixture.inbox, raw.size() + 5, 10).empty());
}

TEST_CASE("sealed message does not open for another account", "[message]") {
    mailbox_fixture fixture;
    const auto uid = fixture.deliver(text_message("private", "x\r\n"));
    const auto stranger = crypto::generate_user_key_pair();
    REQUIRE_FALSE(message::open_message(fixture.row(uid), stranger));
}

TEST_CASE("sealed message rejects an altered summary", "[message]") {
    mailbox_fixture fixture;
    const auto uid = fixture.deliver(text_message("s", "b\r\n"));
    auto row = fixture.row(uid);
    for (std::size_t i = 0; i < row.sealed_summary.size(); ++i) {
        auto altered = row;
        altered.sealed_summary[i] ^= 0x01;
        INFO("byte " << i);
        REQUIRE_FALSE(message::open_message(altered, fixture.owner));
    }
}

TEST_CASE("sealed message rejects a chunk of another message", "[message]") {
    mailbox_fixture fixture;
    const auto first = fixture.deliver(text_message("one", "first body\r\n"));
    const auto second = fixture.deliver(text_message("two", "second body\r\n"));
    auto opened = message::open_message(fixture.row(first), fixture.owner);
    REQUIRE(opened);

    // Present the second message's only chunk under the first message's identity.
    auto foreign_row = fixture.row(second);
    foreign_row.uid = first;
    foreign_row.sealed_key = fixture.row(first).sealed_key;
    foreign_row.sealed_summary = fixture.row(first).sealed_summary;
    auto mixed = message::open_message(foreign_row, fixture.owner);
    REQUIRE(mixed);
    REQUIRE_THROWS_AS(mixed->read_all(fixture.store, fixture.inbox), crypto::crypto_error);
}

TEST_CASE("sealed message leaves no plaintext in the state directory", "[message]") {
    const std::string marker = "MARKER-7f3a9c1e-do-not-store";
    temp_dir state;
    const auto owner = crypto::generate_user_key_pair();
    {
        auto directory = storage::directory::open(state / "directory.db",
                                                  crypto::secret_bytes::random(32),
                                                  storage::open_mode::create_new);
        auto store = storage::mailbox_store::open(state / "mailbox.db",
                                                  crypto::secret_bytes::random(32),
                                                  storage::open_mode::create_new);
        const auto inbox = store.create_mailbox("INBOX").id;
        const auto raw = text_message(marker, "the body repeats " + marker + "\r\n");
        store.append(inbox, message::seal_message(raw, owner.public_key, {}));

        for (const auto& entry : std::filesystem::recursive_directory_iterator(state.path())) {
            if (entry.is_regular_file()) {
                INFO("file " << entry.path() << " while open");
                REQUIRE_FALSE(contains(read_bytes(entry.path()), marker));
            }
        }
    }

    for (const auto& entry : std::filesystem::recursive_directory_iterator(state.path())) {
        if (entry.is_regular_file()) {
            INFO("file " << entry.path() << " after close");
            REQUIRE_FALSE(contains(read_bytes(entry.path()), marker));
        }
    }
}
