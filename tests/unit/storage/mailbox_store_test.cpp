#include "storage/directory.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>

using namespace skrynka::storage;
using skrynka::crypto::secret_bytes;
using skrynka::storage::test::temp_dir;

namespace {

errc error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const storage_error& error) {
        return static_cast<errc>(error.code().value());
    }
    FAIL("no storage_error thrown");
    return errc::internal;
}

bytes bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

new_message sample_message(std::string_view body = "chunk", std::uint32_t flags = 0) {
    new_message message;
    message.flags = flags;
    message.internal_date = 1700000000;
    message.size = 1234;
    message.message_id.fill(0x11);
    message.sealed_key = bytes_of("sealed-key");
    message.sealed_summary = bytes_of("sealed-summary");
    message.chunks = {bytes_of(body), bytes_of("second"), bytes_of("third")};
    return message;
}

struct fixture {
    temp_dir dir;
    secret_bytes key = test::test_key();
    std::filesystem::path path = dir / "mailbox.db";
    mailbox_store store = mailbox_store::open(path, key, open_mode::create_new);

    void reopen() { store = mailbox_store::open(path, key, open_mode::open_existing); }
};

std::vector<message_uid> uids_of(const std::vector<message_row>& rows) {
    std::vector<message_uid> uids;
    for (const auto& row : rows) {
        uids.push_back(row.uid);
    }
    return uids;
}

// True when needle occurs anywhere in the raw bytes of any file below folder.
bool occurs_in_files(const std::filesystem::path& folder, std::string_view needle,
                     int& files_scanned) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        ++files_scanned;
        const auto content = test::read_bytes(entry.path());
        if (std::search(content.begin(), content.end(), needle.begin(), needle.end()) !=
            content.end()) {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("mailbox append survives close and reopen", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const auto uid = f.store.append(inbox.id, sample_message("hello", flag::seen));
    REQUIRE(uid == 1);

    f.reopen();
    const auto rows = f.store.list_messages(inbox.id);
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].uid == 1);
    REQUIRE(rows[0].flags == flag::seen);
    REQUIRE(rows[0].internal_date == 1700000000);
    REQUIRE(rows[0].size == 1234);
    REQUIRE(rows[0].message_id[0] == 0x11);
    REQUIRE(rows[0].sealed_key == bytes_of("sealed-key"));
    REQUIRE(rows[0].sealed_summary == bytes_of("sealed-summary"));
    REQUIRE(rows[0].chunk_count == 3);
    REQUIRE(f.store.read_chunks(inbox.id, uid, 0, 3) ==
            std::vector<bytes>{bytes_of("hello"), bytes_of("second"), bytes_of("third")});
    REQUIRE(f.store.read_chunks(inbox.id, uid, 1, 1) == std::vector<bytes>{bytes_of("second")});
    REQUIRE(f.store.read_chunks(inbox.id, uid, 3, 5).empty());
    REQUIRE(error_of([&] { f.store.read_chunks(inbox.id, 2, 0, 1); }) == errc::not_found);
    REQUIRE(f.store.status(inbox.id).uidnext == 2);
}

TEST_CASE("marker never appears in raw files", "[storage][mailbox]") {
    temp_dir dir;
    const std::string marker = "MARKERq7Zx9";
    auto storage_key = test::test_key();
    auto mailbox_key = test::test_key();

    auto directory_db = directory::open(dir / "directory.db", storage_key, open_mode::create_new);
    const std::vector<unsigned char> public_key(32, 0x42);
    const auto account = directory_db.create_account("owner@example.org", public_key, mailbox_key);
    directory_db.add_alias(marker + "@example.org", account);
    directory_db.add_key_slot(account, 1, marker, bytes_of(marker + "-slot"));

    const auto path = mailbox_database_path(dir.path(), account);
    std::filesystem::create_directories(path.parent_path());
    auto store = mailbox_store::open(path, mailbox_key, open_mode::create_new);
    const auto box = store.create_mailbox("Projects/" + marker);
    auto message = sample_message(marker + "-chunk");
    message.keywords = {marker};
    message.sealed_key = bytes_of(marker + "-key");
    message.sealed_summary = bytes_of(marker + "-summary");
    store.append(box.id, message);
    store.store_flags(box.id, std::vector<message_uid>{1}, flag_change::add, flag::flagged);

    // Before any checkpoint the data sits in the -wal files.
    int files = 0;
    REQUIRE(std::filesystem::exists(path.string() + "-wal"));
    REQUIRE(std::filesystem::exists(dir / "directory.db-wal"));
    REQUIRE_FALSE(occurs_in_files(dir.path(), marker, files));
    REQUIRE(files >= 6);

    store.db().checkpoint_truncate();
    directory_db.db().checkpoint_truncate();
    files = 0;
    REQUIRE_FALSE(occurs_in_files(dir.path(), marker, files));

    store = mailbox_store::open(path, mailbox_key, open_mode::open_existing);
    store.expunge(box.id, std::vector<message_uid>{1});
    files = 0;
    REQUIRE_FALSE(occurs_in_files(dir.path(), marker, files));

    { auto closing = std::move(store); }
    { auto closing = std::move(directory_db); }
    files = 0;
    REQUIRE_FALSE(occurs_in_files(dir.path(), marker, files));
    REQUIRE(files >= 2);
}

TEST_CASE("UIDs are never reused after expunge and reopen", "[storage][mailbox]") {
    fixture f;
    const auto box = f.store.create_mailbox("INBOX");
    for (int i = 0; i < 3; ++i) {
        f.store.append(box.id, sample_message());
    }
    const auto expunged = f.store.expunge(box.id, std::vector<message_uid>{2, 3, 99});
    REQUIRE(expunged.size() == 2);
    REQUIRE(expunged[0].uid == 2);
    REQUIRE(expunged[0].sealed_key == bytes_of("sealed-key"));
    REQUIRE(expunged[0].chunk_bytes == 5 + 6 + 5);

    f.reopen();
    REQUIRE(f.store.append(box.id, sample_message()) == 4);
    f.store.expunge(box.id, std::vector<message_uid>{4});
    f.reopen();
    REQUIRE(f.store.append(box.id, sample_message()) == 5);
    REQUIRE(uids_of(f.store.list_messages(box.id)) == std::vector<message_uid>{1, 5});
    REQUIRE(error_of([&] { f.store.read_chunks(box.id, 2, 0, 1); }) == errc::not_found);
}

TEST_CASE("append_many commits all or nothing", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const auto other = f.store.create_mailbox("Lists");
    std::vector<append_request> requests{
        {inbox.id, sample_message()}, {other.id, sample_message()}, {inbox.id, sample_message()}};
    REQUIRE(f.store.append_many(requests) == std::vector<message_uid>{1, 1, 2});

    requests.push_back({other.id + 100, sample_message()});
    REQUIRE(error_of([&] { f.store.append_many(requests); }) == errc::not_found);
    REQUIRE(f.store.status(inbox.id).messages == 2);
    REQUIRE(f.store.status(other.id).messages == 1);

    auto bad = sample_message();
    bad.keywords = {"has space"};
    REQUIRE(error_of([&] { f.store.append(inbox.id, bad); }) == errc::invalid_argument);
    bad = sample_message(" ", 1u << 10);
    REQUIRE(error_of([&] { f.store.append(inbox.id, bad); }) == errc::invalid_argument);
    REQUIRE(f.store.status(inbox.id).messages == 2);
}

TEST_CASE("store_flags bumps modseq only on change", "[storage][mailbox]") {
    fixture f;
    const auto box = f.store.create_mailbox("INBOX");
    f.store.append(box.id, sample_message());
    f.store.append(box.id, sample_message("x", flag::seen));
    const auto before = f.store.status(box.id);
    REQUIRE(before.highestmodseq == 3);
    REQUIRE(before.unseen == 1);

    const std::vector<std::string> keywords{"$Important"};
    auto updates = f.store.store_flags(box.id, std::vector<message_uid>{1, 2, 7}, flag_change::add,
                                       flag::seen, keywords);
    REQUIRE(updates.size() == 2);
    REQUIRE(updates[0].changed);
    REQUIRE(updates[0].modseq == 4);
    REQUIRE(updates[0].flags == flag::seen);
    REQUIRE(updates[1].changed); // the keyword is new even though \Seen was set
    REQUIRE(updates[1].keywords == keywords);
    REQUIRE(f.store.status(box.id).highestmodseq == 4);
    REQUIRE(f.store.status(box.id).unseen == 0);

    updates = f.store.store_flags(box.id, std::vector<message_uid>{1}, flag_change::add, flag::seen,
                                  keywords);
    REQUIRE_FALSE(updates[0].changed);
    REQUIRE(updates[0].modseq == 4);
    REQUIRE(f.store.status(box.id).highestmodseq == 4);

    updates = f.store.store_flags(box.id, std::vector<message_uid>{2}, flag_change::remove,
                                  flag::seen, keywords);
    REQUIRE(updates[0].flags == 0);
    REQUIRE(updates[0].keywords.empty());
    REQUIRE(updates[0].modseq == 5);

    updates = f.store.store_flags(box.id, std::vector<message_uid>{1}, flag_change::replace,
                                  flag::flagged | flag::deleted);
    REQUIRE(updates[0].flags == (flag::flagged | flag::deleted));
    REQUIRE(updates[0].keywords.empty());

    const auto rows = f.store.list_messages(box.id);
    REQUIRE(rows[0].modseq == 6);
    REQUIRE(rows[1].modseq == 5);
    REQUIRE(rows[0].keywords.empty());
}

TEST_CASE("copy keeps flags and assigns new UIDs", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const auto archive = f.store.create_mailbox("Archive");
    auto message = sample_message("body", flag::flagged);
    message.keywords = {"work"};
    f.store.append(inbox.id, message);
    f.store.append(inbox.id, sample_message());
    f.store.append(archive.id, sample_message());

    const auto copied = f.store.copy(inbox.id, std::vector<message_uid>{2, 1, 9}, archive.id);
    REQUIRE(copied.size() == 2);
    REQUIRE(copied[0].source == 1);
    REQUIRE(copied[0].destination == 2);
    REQUIRE(copied[1].source == 2);
    REQUIRE(copied[1].destination == 3);

    const auto rows = f.store.list_messages(archive.id);
    REQUIRE(rows.size() == 3);
    REQUIRE(rows[1].flags == flag::flagged);
    REQUIRE(rows[1].keywords == std::vector<std::string>{"work"});
    REQUIRE(rows[1].modseq == 3);
    REQUIRE(rows[2].modseq == 3);
    REQUIRE(f.store.status(archive.id).highestmodseq == 3);
    REQUIRE(f.store.read_chunks(archive.id, 2, 0, 1) == std::vector<bytes>{bytes_of("body")});
    REQUIRE(f.store.status(inbox.id).messages == 2);

    const auto same = f.store.copy(inbox.id, std::vector<message_uid>{1}, inbox.id);
    REQUIRE(same[0].destination == 3);
}

TEST_CASE("move removes the source messages", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const auto trash = f.store.create_mailbox("Trash", "\\Trash");
    f.store.append(inbox.id, sample_message());
    f.store.append(inbox.id, sample_message());
    const auto inbox_modseq = f.store.status(inbox.id).highestmodseq;

    const auto moved = f.store.move(inbox.id, std::vector<message_uid>{1}, trash.id);
    REQUIRE(moved.size() == 1);
    REQUIRE(moved[0].destination == 1);
    REQUIRE(uids_of(f.store.list_messages(inbox.id)) == std::vector<message_uid>{2});
    REQUIRE(uids_of(f.store.list_messages(trash.id)) == std::vector<message_uid>{1});
    REQUIRE(f.store.status(inbox.id).highestmodseq == inbox_modseq + 1);
    REQUIRE(f.store.find_mailbox("Trash")->special_use == "\\Trash");
    REQUIRE(error_of([&] { f.store.move(inbox.id, std::vector<message_uid>{2}, inbox.id); }) ==
            errc::invalid_argument);
    REQUIRE(error_of([&] { f.store.move(inbox.id, std::vector<message_uid>{2}, 999); }) ==
            errc::not_found);
    REQUIRE(f.store.status(inbox.id).messages == 1);
}

TEST_CASE("recreated mailbox gets a new UIDVALIDITY", "[storage][mailbox]") {
    fixture f;
    const auto first = f.store.create_mailbox("Lists");
    f.store.append(first.id, sample_message());
    const auto deleted = f.store.delete_mailbox("Lists");
    REQUIRE(deleted.size() == 1);
    REQUIRE_FALSE(f.store.find_mailbox("Lists"));

    const auto second = f.store.create_mailbox("Lists");
    REQUIRE(second.uidvalidity != first.uidvalidity);
    REQUIRE(second.uidvalidity > first.uidvalidity);
    REQUIRE(second.uidnext == 1);
    REQUIRE(error_of([&] { f.store.create_mailbox("Lists"); }) == errc::already_exists);
    REQUIRE(error_of([&] { f.store.delete_mailbox("Nothing"); }) == errc::not_found);
}

TEST_CASE("rename moves children and keeps UIDVALIDITY", "[storage][mailbox]") {
    fixture f;
    const auto work = f.store.create_mailbox("Work");
    const auto child = f.store.create_mailbox("Work/2024");
    f.store.create_mailbox("Workshop");
    f.store.append(child.id, sample_message());

    f.store.rename_mailbox("Work", "Jobs/Old");
    REQUIRE_FALSE(f.store.find_mailbox("Work"));
    REQUIRE(f.store.find_mailbox("Jobs/Old")->uidvalidity == work.uidvalidity);
    const auto moved_child = f.store.find_mailbox("Jobs/Old/2024");
    REQUIRE(moved_child);
    REQUIRE(moved_child->id == child.id);
    REQUIRE(f.store.list_messages(child.id).size() == 1);
    REQUIRE(f.store.find_mailbox("Workshop"));

    f.store.create_mailbox("Taken");
    REQUIRE(error_of([&] { f.store.rename_mailbox("Jobs/Old", "Taken"); }) == errc::already_exists);
    REQUIRE(error_of([&] { f.store.rename_mailbox("Jobs/Old", "Jobs/Old/Deeper"); }) ==
            errc::invalid_argument);
    REQUIRE(error_of([&] { f.store.rename_mailbox("Missing", "Other"); }) == errc::not_found);

    // The child's new name is taken: nothing is renamed.
    f.store.create_mailbox("New/2024");
    REQUIRE(error_of([&] { f.store.rename_mailbox("Jobs/Old", "New"); }) == errc::already_exists);
    REQUIRE(f.store.find_mailbox("Jobs/Old"));
    REQUIRE(f.store.find_mailbox("Jobs/Old/2024"));
}

TEST_CASE("mailbox names are checked and INBOX folded", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("inbox");
    REQUIRE(inbox.name == "INBOX");
    REQUIRE(f.store.find_mailbox("InBox")->id == inbox.id);
    REQUIRE(f.store.create_mailbox("Inbox/Sub").name == "INBOX/Sub");
    REQUIRE(f.store.create_mailbox("Entw\xc3\xbcrfe").name == "Entw\xc3\xbcrfe");
    for (const char* bad : {"", "/a", "a/", "a//b", "a\tb"}) {
        INFO(bad);
        REQUIRE(error_of([&] { f.store.create_mailbox(bad); }) == errc::invalid_argument);
    }
    f.store.set_subscribed("INBOX", true);
    REQUIRE(f.store.find_mailbox("INBOX")->subscribed);
    REQUIRE(f.store.list_mailboxes().size() == 3);
}

TEST_CASE("mailbox store rejects the wrong key", "[storage][mailbox]") {
    fixture f;
    f.store.create_mailbox("INBOX");
    { auto closing = std::move(f.store); }
    auto other = test::test_key();
    REQUIRE(error_of([&] { mailbox_store::open(f.path, other, open_mode::open_existing); }) ==
            errc::wrong_key_or_not_a_database);
}

TEST_CASE("UID space exhaustion is too_big", "[storage][mailbox]") {
    fixture f;
    const auto box = f.store.create_mailbox("INBOX");
    f.store.db()
        .prepare("UPDATE mailboxes SET uidnext = 4294967294 WHERE id = ?1")
        .bind(1, box.id)
        .run();
    REQUIRE(f.store.append(box.id, sample_message()) == 4294967294u);
    REQUIRE(f.store.status(box.id).uidnext == 4294967295u);
    REQUIRE(error_of([&] { f.store.append(box.id, sample_message()); }) == errc::too_big);
    REQUIRE(error_of([&] {
                f.store.copy(box.id, std::vector<message_uid>{4294967294u}, box.id);
            }) == errc::too_big);
    REQUIRE(f.store.status(box.id).messages == 1);
}

TEST_CASE("append_once stores a digest only once", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const bytes first_digest(32, 0x01);
    const bytes second_digest(32, 0x02);

    REQUIRE(f.store.append_once(inbox.id, sample_message(), first_digest) == 1u);
    REQUIRE_FALSE(f.store.append_once(inbox.id, sample_message(), first_digest).has_value());
    f.reopen();
    REQUIRE_FALSE(f.store.append_once(inbox.id, sample_message(), first_digest).has_value());
    REQUIRE(f.store.append_once(inbox.id, sample_message(), second_digest) == 2u);
    REQUIRE(uids_of(f.store.list_messages(inbox.id)) == std::vector<message_uid>{1, 2});
}

TEST_CASE("append_once rejects a digest of the wrong size", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    const bytes short_digest(31, 0x01);
    REQUIRE(error_of([&] { f.store.append_once(inbox.id, sample_message(), short_digest); }) ==
            errc::invalid_argument);
    REQUIRE(f.store.list_messages(inbox.id).empty());
}

TEST_CASE("append_once_many skips recorded digests", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    REQUIRE(f.store.append_once(inbox.id, sample_message(), bytes(32, 0x01)) == 1u);

    std::vector<import_request> requests(3);
    for (auto& request : requests) {
        request.mailbox = inbox.id;
        request.message = sample_message();
    }
    requests[0].digest = bytes(32, 0x01); // recorded by the earlier call
    requests[1].digest = bytes(32, 0x02);
    requests[2].digest = bytes(32, 0x02); // repeated within the batch
    const auto uids = f.store.append_once_many(requests);
    REQUIRE(uids.size() == 3);
    REQUIRE_FALSE(uids[0].has_value());
    REQUIRE(uids[1] == 2u);
    REQUIRE_FALSE(uids[2].has_value());
    REQUIRE(uids_of(f.store.list_messages(inbox.id)) == std::vector<message_uid>{1, 2});
}

TEST_CASE("append_once_many is all or nothing", "[storage][mailbox]") {
    fixture f;
    const auto inbox = f.store.create_mailbox("INBOX");
    std::vector<import_request> requests(2);
    requests[0] = {inbox.id, sample_message(), bytes(32, 0x01)};
    requests[1] = {inbox.id + 100, sample_message(), bytes(32, 0x02)}; // no such mailbox
    REQUIRE(error_of([&] { f.store.append_once_many(requests); }) == errc::not_found);
    REQUIRE(f.store.list_messages(inbox.id).empty());
    REQUIRE(f.store.append_once(inbox.id, sample_message(), bytes(32, 0x01)) == 1u);
}
