#include "storage/admin_tokens.hpp"
#include "storage/directory.hpp"
#include "storage/error.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::storage;
using skrynka::crypto::digest;
using skrynka::crypto::secret_bytes;
using skrynka::storage::test::temp_dir;

namespace {

struct fixture {
    temp_dir dir;
    secret_bytes key = test::test_key();
    directory dir_db = directory::open(dir / "directory.db", key, open_mode::create_new);
};

digest filled(unsigned char value) {
    digest hash{};
    hash.fill(value);
    return hash;
}

errc error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const storage_error& error) {
        return static_cast<errc>(error.code().value());
    }
    FAIL("no storage_error thrown");
    return errc::internal;
}

} // namespace

TEST_CASE("admin tokens are stored and listed in order", "[storage][admin_tokens]") {
    fixture f;
    REQUIRE(list_admin_tokens(f.dir_db.db()).empty());
    add_admin_token(f.dir_db.db(), "prometheus", filled(1));
    add_admin_token(f.dir_db.db(), "laptop", filled(2));

    const auto tokens = list_admin_tokens(f.dir_db.db());
    REQUIRE(tokens.size() == 2);
    REQUIRE(tokens[0].label == "prometheus");
    REQUIRE(tokens[0].hash == filled(1));
    REQUIRE(tokens[1].label == "laptop");
    REQUIRE(tokens[1].hash == filled(2));
    REQUIRE(tokens[1].created > 0);
}

TEST_CASE("admin token labels are unique", "[storage][admin_tokens]") {
    fixture f;
    add_admin_token(f.dir_db.db(), "ops", filled(1));
    REQUIRE(error_of([&] { add_admin_token(f.dir_db.db(), "ops", filled(2)); }) ==
            errc::already_exists);
}

TEST_CASE("admin token label length is checked", "[storage][admin_tokens]") {
    fixture f;
    REQUIRE(error_of([&] { add_admin_token(f.dir_db.db(), "", filled(1)); }) ==
            errc::invalid_argument);
    REQUIRE(error_of([&] { add_admin_token(f.dir_db.db(), std::string(65, 'a'), filled(1)); }) ==
            errc::invalid_argument);
    add_admin_token(f.dir_db.db(), std::string(64, 'a'), filled(1));
}

TEST_CASE("removing an admin token", "[storage][admin_tokens]") {
    fixture f;
    add_admin_token(f.dir_db.db(), "ops", filled(1));
    remove_admin_token(f.dir_db.db(), "ops");
    REQUIRE(list_admin_tokens(f.dir_db.db()).empty());
    REQUIRE(error_of([&] { remove_admin_token(f.dir_db.db(), "ops"); }) == errc::not_found);
}

TEST_CASE("admin tokens survive reopening the directory", "[storage][admin_tokens]") {
    temp_dir dir;
    secret_bytes key = test::test_key();
    {
        directory db = directory::open(dir / "directory.db", key, open_mode::create_new);
        add_admin_token(db.db(), "ops", filled(7));
    }
    directory db = directory::open(dir / "directory.db", key, open_mode::open_existing);
    const auto tokens = list_admin_tokens(db.db());
    REQUIRE(tokens.size() == 1);
    REQUIRE(tokens[0].hash == filled(7));
}
