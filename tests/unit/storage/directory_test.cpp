#include "storage/address.hpp"
#include "storage/directory.hpp"
#include "storage/error.hpp"
#include "temp_dir.hpp"

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

std::vector<unsigned char> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

const std::vector<unsigned char> public_key(32, 0x42);

struct fixture {
    temp_dir dir;
    secret_bytes key = test::test_key();
    directory dir_db = directory::open(dir / "directory.db", key, open_mode::create_new);
};

} // namespace

TEST_CASE("canonical address lowercases ASCII only", "[storage][address]") {
    REQUIRE(canonical_address("Alice@Example.ORG") == "alice@example.org");
    REQUIRE(canonical_address("J\xc3\x96rg@example.org") == "j\xc3\x96rg@example.org");
    for (const char* bad : {"", "alice", "@example.org", "alice@", "a@b@c", "al ice@example.org",
                            "<alice@example.org>", "alice@exa\nmple.org"}) {
        INFO(bad);
        REQUIRE(error_of([&] { canonical_address(bad); }) == errc::invalid_argument);
    }
    REQUIRE(error_of([&] { canonical_address(std::string(65, 'a') + "@example.org"); }) ==
            errc::invalid_argument);
}

TEST_CASE("subaddress splits at the first plus", "[storage][address]") {
    auto parts = split_subaddress("alice+lists+x@example.org");
    REQUIRE(parts.has_tag);
    REQUIRE(parts.base == "alice@example.org");
    REQUIRE(parts.tag == "lists+x");
    REQUIRE_FALSE(split_subaddress("alice@ex+ample.org").has_tag);
}

TEST_CASE("directory creates and finds accounts", "[storage][directory]") {
    fixture f;
    auto mailbox_key = test::test_key();
    const account_id id = f.dir_db.create_account("Alice@Example.org", public_key, mailbox_key);

    auto by_address = f.dir_db.find_account("ALICE@example.ORG");
    REQUIRE(by_address);
    REQUIRE(by_address->id == id);
    REQUIRE(by_address->address == "alice@example.org");
    REQUIRE(std::equal(public_key.begin(), public_key.end(), by_address->public_key.begin()));
    REQUIRE(by_address->state == account_state::active);

    auto by_id = f.dir_db.find_account(id);
    REQUIRE(by_id);
    REQUIRE(by_id->address == "alice@example.org");
    REQUIRE(f.dir_db.mailbox_database_key(id).equals(mailbox_key.bytes()));
    REQUIRE_FALSE(f.dir_db.find_account("bob@example.org"));
    REQUIRE_FALSE(f.dir_db.find_account("not an address"));
    REQUIRE(f.dir_db.list_accounts().size() == 1);
}

TEST_CASE("directory rejects a taken address", "[storage][directory]") {
    fixture f;
    auto mailbox_key = test::test_key();
    const account_id alice = f.dir_db.create_account("alice@example.org", public_key, mailbox_key);
    f.dir_db.add_alias("postmaster@example.org", alice);

    REQUIRE(error_of([&] {
                f.dir_db.create_account("ALICE@example.org", public_key, mailbox_key);
            }) == errc::already_exists);
    REQUIRE(error_of([&] {
                f.dir_db.create_account("postmaster@example.org", public_key, mailbox_key);
            }) == errc::already_exists);
    REQUIRE(error_of([&] { f.dir_db.add_alias("alice@example.org", alice); }) ==
            errc::already_exists);
    REQUIRE(error_of([&] {
                f.dir_db.create_account("a+b@example.org", public_key, mailbox_key);
            }) == errc::invalid_argument);
    REQUIRE(error_of([&] {
                f.dir_db.create_account("bob@example.org", std::vector<unsigned char>(31),
                                        mailbox_key);
            }) == errc::invalid_argument);
    REQUIRE(f.dir_db.list_accounts().size() == 1);
}

TEST_CASE("resolve_recipient handles alias and plus tag", "[storage][directory]") {
    fixture f;
    auto mailbox_key = test::test_key();
    const account_id alice = f.dir_db.create_account("alice@example.org", public_key, mailbox_key);
    f.dir_db.add_alias("a.smith@example.org", alice);

    auto direct = f.dir_db.resolve_recipient("Alice@example.org");
    REQUIRE(direct);
    REQUIRE(direct->account == alice);
    REQUIRE_FALSE(direct->has_tag);

    auto tagged = f.dir_db.resolve_recipient("alice+Lists@example.org");
    REQUIRE(tagged);
    REQUIRE(tagged->account == alice);
    REQUIRE(tagged->has_tag);
    REQUIRE(tagged->tag == "lists");
    REQUIRE(tagged->address == "alice@example.org");

    auto alias = f.dir_db.resolve_recipient("a.smith+news@EXAMPLE.org");
    REQUIRE(alias);
    REQUIRE(alias->account == alice);
    REQUIRE(alias->tag == "news");
    REQUIRE(alias->address == "a.smith@example.org");

    REQUIRE_FALSE(f.dir_db.resolve_recipient("bob@example.org"));
    REQUIRE_FALSE(f.dir_db.resolve_recipient("bob+alice@example.org"));
    REQUIRE_FALSE(f.dir_db.resolve_recipient("alice@example.net"));
    REQUIRE_FALSE(f.dir_db.resolve_recipient("garbage"));

    REQUIRE(f.dir_db.list_aliases(alice) == std::vector<std::string>{"a.smith@example.org"});
    f.dir_db.remove_alias("a.smith@example.org");
    REQUIRE_FALSE(f.dir_db.resolve_recipient("a.smith@example.org"));
    REQUIRE(error_of([&] { f.dir_db.remove_alias("a.smith@example.org"); }) == errc::not_found);
    REQUIRE(error_of([&] { f.dir_db.remove_alias("alice@example.org"); }) == errc::not_found);
}

TEST_CASE("key slots add, replace and remove", "[storage][directory]") {
    fixture f;
    auto mailbox_key = test::test_key();
    const account_id alice = f.dir_db.create_account("alice@example.org", public_key, mailbox_key);

    const auto login = f.dir_db.add_key_slot(alice, 1, "login", bytes_of("slot-one"));
    const auto recovery = f.dir_db.add_key_slot(alice, 3, "recovery", bytes_of("slot-two"));
    REQUIRE(error_of([&] { f.dir_db.add_key_slot(alice, 1, "login", bytes_of("x")); }) ==
            errc::already_exists);
    REQUIRE(error_of([&] { f.dir_db.add_key_slot(alice + 100, 1, "login", bytes_of("x")); }) ==
            errc::not_found);
    REQUIRE(error_of([&] { f.dir_db.add_key_slot(alice, 1, "", bytes_of("x")); }) ==
            errc::invalid_argument);

    const auto replaced = f.dir_db.replace_key_slot(alice, "login", 1, bytes_of("slot-new"));
    REQUIRE(replaced != login);
    auto slots = f.dir_db.list_key_slots(alice);
    REQUIRE(slots.size() == 2);
    REQUIRE(slots[0].id == recovery);
    REQUIRE(slots[1].label == "login");
    REQUIRE(slots[1].blob == bytes_of("slot-new"));
    REQUIRE(error_of([&] { f.dir_db.replace_key_slot(alice, "app", 2, bytes_of("x")); }) ==
            errc::not_found);

    f.dir_db.remove_key_slot(alice, recovery);
    f.dir_db.remove_key_slot_by_label(alice, "login");
    REQUIRE(f.dir_db.list_key_slots(alice).empty());
    REQUIRE(error_of([&] { f.dir_db.remove_key_slot(alice, recovery); }) == errc::not_found);
}

TEST_CASE("delete_account removes slots and key", "[storage][directory]") {
    fixture f;
    auto alice_key = test::test_key();
    auto bob_key = test::test_key();
    const account_id alice = f.dir_db.create_account("alice@example.org", public_key, alice_key);
    const account_id bob = f.dir_db.create_account("bob@example.org", public_key, bob_key);
    f.dir_db.add_key_slot(alice, 1, "login", bytes_of("alice-slot"));
    f.dir_db.add_key_slot(bob, 1, "login", bytes_of("bob-slot"));
    f.dir_db.add_alias("info@example.org", alice);

    f.dir_db.delete_account(alice);

    REQUIRE_FALSE(f.dir_db.find_account(alice));
    REQUIRE_FALSE(f.dir_db.find_account("alice@example.org"));
    REQUIRE_FALSE(f.dir_db.resolve_recipient("info@example.org"));
    REQUIRE(f.dir_db.list_key_slots(alice).empty());
    REQUIRE(error_of([&] { f.dir_db.mailbox_database_key(alice); }) == errc::not_found);
    REQUIRE(error_of([&] { f.dir_db.delete_account(alice); }) == errc::not_found);

    REQUIRE(f.dir_db.list_key_slots(bob).size() == 1);
    REQUIRE(f.dir_db.mailbox_database_key(bob).equals(bob_key.bytes()));

    // A new account never takes the deleted one's id, so it cannot inherit its mailbox file.
    auto carol_key = test::test_key();
    const account_id carol = f.dir_db.create_account("alice@example.org", public_key, carol_key);
    REQUIRE(carol > bob);
}

TEST_CASE("directory reopens with its data", "[storage][directory]") {
    temp_dir dir;
    auto key = test::test_key();
    auto mailbox_key = test::test_key();
    account_id alice = 0;
    {
        auto dir_db = directory::open(dir / "directory.db", key, open_mode::create_new);
        alice = dir_db.create_account("alice@example.org", public_key, mailbox_key);
        dir_db.write_meta("instance", bytes_of("abc"));
    }
    auto dir_db = directory::open(dir / "directory.db", key, open_mode::open_existing);
    REQUIRE(dir_db.find_account("alice@example.org")->id == alice);
    REQUIRE(dir_db.read_meta("instance") == bytes_of("abc"));
    REQUIRE_FALSE(dir_db.read_meta("other"));
}
