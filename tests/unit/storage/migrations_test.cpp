#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "temp_dir.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <functional>

using namespace skrynka::storage;
using skrynka::storage::test::temp_dir;

namespace {

constexpr std::array<migration, 2> steps{{
    {1, "CREATE TABLE a(x INTEGER)"},
    {2, "CREATE TABLE b(y INTEGER)"},
}};

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

TEST_CASE("migrations run each step once", "[storage][migrations]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    REQUIRE(schema_version(db) == 0);
    REQUIRE(migrate(db, std::span(steps).first(1)) == 0);
    REQUIRE(schema_version(db) == 1);
    REQUIRE(migrate(db, steps) == 1);
    REQUIRE(schema_version(db) == 2);
    REQUIRE(migrate(db, steps) == 2);
    db.prepare("INSERT INTO b VALUES (1)").run();
}

TEST_CASE("migrations reject a newer user_version", "[storage][migrations]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    db.execute("PRAGMA user_version = 3");
    REQUIRE(error_of([&] { migrate(db, steps); }) == errc::schema_too_new);
    REQUIRE(schema_version(db) == 3);
}

TEST_CASE("failed migration step rolls back", "[storage][migrations]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    const std::array<migration, 2> broken{{
        {1, "CREATE TABLE a(x INTEGER)"},
        {2, "CREATE TABLE c(z INTEGER); INSERT INTO no_such_table VALUES (1)"},
    }};
    REQUIRE(error_of([&] { migrate(db, broken); }) == errc::internal);
    REQUIRE(schema_version(db) == 1);
    auto query = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'c'");
    REQUIRE(query.step());
    REQUIRE(query.column_int64(0) == 0);
}

TEST_CASE("migrations with a gap are invalid", "[storage][migrations]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    const std::array<migration, 1> gap{{{2, "CREATE TABLE a(x)"}}};
    REQUIRE(error_of([&] { migrate(db, gap); }) == errc::invalid_argument);
}
