#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

using namespace skrynka::storage;
using skrynka::storage::test::temp_dir;

namespace {

errc error_of(const std::function<void()>& action, std::string* message = nullptr) {
    try {
        action();
    } catch (const storage_error& error) {
        if (message != nullptr) {
            *message = error.what();
        }
        return static_cast<errc>(error.code().value());
    }
    FAIL("no storage_error thrown");
    return errc::internal;
}

std::string query_text(database& db, const char* sql) {
    auto query = db.prepare(sql);
    REQUIRE(query.step());
    return query.column_text(0);
}

} // namespace

TEST_CASE("storage errors compare as error codes", "[storage][error]") {
    const std::error_code code = errc::not_found;
    REQUIRE(code == errc::not_found);
    REQUIRE(std::string(code.category().name()) == "storage");
    REQUIRE(code != errc::corrupt);
}

TEST_CASE("cipher version reports 4.x", "[storage][database]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    const std::string version = db.cipher_version();
    INFO(version);
    REQUIRE(version.rfind("4.", 0) == 0);
}

TEST_CASE("pinned cipher settings read back", "[storage][database]") {
    temp_dir dir;
    auto key = test::test_key();
    {
        auto db = database::open(dir / "a.db", key, open_mode::create_new);
        db.execute("CREATE TABLE t(x)");
    }
    auto db = database::open(dir / "a.db", key, open_mode::open_existing);
    REQUIRE(query_text(db, "PRAGMA cipher_page_size") == "4096");
    REQUIRE(query_text(db, "PRAGMA kdf_iter") == "256000");
    REQUIRE(query_text(db, "PRAGMA cipher_hmac_algorithm") == "HMAC_SHA512");
    REQUIRE(query_text(db, "PRAGMA cipher_kdf_algorithm") == "PBKDF2_HMAC_SHA512");
    REQUIRE(query_text(db, "PRAGMA cipher_plaintext_header_size") == "0");
    REQUIRE(query_text(db, "PRAGMA journal_mode") == "wal");
    REQUIRE(query_text(db, "PRAGMA secure_delete") == "1");
    REQUIRE(query_text(db, "PRAGMA synchronous") == "2");
    REQUIRE(query_text(db, "PRAGMA foreign_keys") == "1");
    REQUIRE(query_text(db, "PRAGMA temp_store") == "2");
}

TEST_CASE("new database file has mode 0600", "[storage][database]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    const auto permissions = std::filesystem::status(dir / "a.db").permissions();
    REQUIRE((permissions & std::filesystem::perms::all) ==
            (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

TEST_CASE("wrong key leaves file byte-identical", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "a.db";
    auto key = test::test_key();
    {
        auto db = database::open(path, key, open_mode::create_new);
        db.execute("CREATE TABLE t(x)");
        db.execute("INSERT INTO t VALUES ('hello')");
    }
    const auto before = test::read_bytes(path);
    REQUIRE(!before.empty());

    auto wrong = test::test_key();
    for (auto mode : {open_mode::open_existing, open_mode::open_or_create}) {
        std::string message;
        REQUIRE(error_of([&] { database::open(path, wrong, mode); }, &message) ==
                errc::wrong_key_or_not_a_database);
        REQUIRE(message == "wrong storage key or not a skrynka database: " + path.string());
        REQUIRE(test::read_bytes(path) == before);
    }
    REQUIRE(error_of([&] { database::open(path, wrong, open_mode::create_new); }) ==
            errc::already_exists);
    REQUIRE(test::read_bytes(path) == before);

    auto db = database::open(path, key, open_mode::open_existing);
    REQUIRE(query_text(db, "SELECT x FROM t") == "hello");
}

TEST_CASE("open_existing on missing file creates nothing", "[storage][database]") {
    temp_dir dir;
    auto key = test::test_key();
    std::string message;
    REQUIRE(error_of([&] { database::open(dir / "missing.db", key, open_mode::open_existing); },
                     &message) == errc::not_found);
    REQUIRE(message.find((dir / "missing.db").string()) != std::string::npos);
    REQUIRE(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("garbage file is reported, not overwritten", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "garbage.db";
    std::vector<unsigned char> garbage(8192);
    for (std::size_t i = 0; i < garbage.size(); ++i) {
        garbage[i] = static_cast<unsigned char>(i * 7 + 3);
    }
    test::write_bytes(path, garbage);
    auto key = test::test_key();
    for (auto mode : {open_mode::open_existing, open_mode::open_or_create}) {
        REQUIRE(error_of([&] { database::open(path, key, mode); }) ==
                errc::wrong_key_or_not_a_database);
        REQUIRE(test::read_bytes(path) == garbage);
    }
    REQUIRE(!std::filesystem::exists(dir / "garbage.db-wal"));
}

TEST_CASE("plain SQLite file is not a skrynka database", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "plain.db";
    std::vector<unsigned char> header(4096, 0);
    const std::string magic = "SQLite format 3";
    std::copy(magic.begin(), magic.end(), header.begin());
    test::write_bytes(path, header);
    auto key = test::test_key();
    REQUIRE(error_of([&] { database::open(path, key, open_mode::open_existing); }) ==
            errc::wrong_key_or_not_a_database);
    REQUIRE(test::read_bytes(path) == header);
}

TEST_CASE("open_existing rejects an empty file", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "empty.db";
    test::write_bytes(path, {});
    auto key = test::test_key();
    REQUIRE(error_of([&] { database::open(path, key, open_mode::open_existing); }) ==
            errc::corrupt);
    REQUIRE(std::filesystem::file_size(path) == 0);
}

TEST_CASE("key of wrong size is invalid", "[storage][database]") {
    temp_dir dir;
    auto short_key = skrynka::crypto::secret_bytes::random(16);
    REQUIRE(error_of([&] { database::open(dir / "a.db", short_key, open_mode::create_new); }) ==
            errc::invalid_argument);
    REQUIRE(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("transaction rolls back unless committed", "[storage][transaction]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    db.execute("CREATE TABLE t(x INTEGER)");
    {
        transaction tx(db);
        db.prepare("INSERT INTO t VALUES (1)").run();
    }
    REQUIRE(query_text(db, "SELECT count(*) FROM t") == "0");
    {
        transaction tx(db);
        db.prepare("INSERT INTO t VALUES (2)").run();
        tx.commit();
    }
    REQUIRE(query_text(db, "SELECT count(*) FROM t") == "1");
}

TEST_CASE("statement binds and reads every type", "[storage][statement]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    db.execute("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n BLOB)");
    const std::vector<unsigned char> blob{0, 1, 2, 255};
    db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)")
        .bind(1, std::int64_t{-5})
        .bind_text(2, "t\xc3\xa9xt")
        .bind_blob(3, blob)
        .bind_null(4)
        .run();
    auto query = db.prepare("SELECT i, s, b, n FROM t");
    REQUIRE(query.step());
    REQUIRE(query.column_int64(0) == -5);
    REQUIRE(query.column_text(1) == "t\xc3\xa9xt");
    REQUIRE(query.column_blob(2) == blob);
    REQUIRE(query.column_is_null(3));
    REQUIRE_FALSE(query.step());
}

TEST_CASE("constraint failure maps to already_exists", "[storage][statement]") {
    temp_dir dir;
    auto key = test::test_key();
    auto db = database::open(dir / "a.db", key, open_mode::create_new);
    db.execute("CREATE TABLE t(x TEXT PRIMARY KEY)");
    db.prepare("INSERT INTO t VALUES ('a')").run();
    REQUIRE(error_of([&] { db.prepare("INSERT INTO t VALUES ('a')").run(); }) ==
            errc::already_exists);
}

TEST_CASE("flipped byte on page 1 fails the open", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "a.db";
    auto key = test::test_key();
    {
        auto db = database::open(path, key, open_mode::create_new);
        db.execute("CREATE TABLE t(x)");
    }
    const auto original = test::read_bytes(path);
    REQUIRE(original.size() >= 4096);

    // The salt, the encrypted span, the IV and the HMAC of page 1.
    for (std::size_t offset : {0, 15, 16, 100, 4000, 4015, 4016, 4095}) {
        INFO("offset " << offset);
        auto damaged = original;
        damaged[offset] ^= 0x01;
        test::write_bytes(path, damaged);
        REQUIRE(error_of([&] { database::open(path, key, open_mode::open_existing); }) ==
                errc::wrong_key_or_not_a_database);
        REQUIRE(test::read_bytes(path) == damaged);
    }
}

TEST_CASE("flipped byte on a data page is reported", "[storage][database]") {
    temp_dir dir;
    const auto path = dir / "a.db";
    auto key = test::test_key();
    {
        auto db = database::open(path, key, open_mode::create_new);
        db.execute("CREATE TABLE t(x)");
        db.execute("INSERT INTO t VALUES (zeroblob(100))");
    }
    auto damaged = test::read_bytes(path);
    REQUIRE(damaged.size() >= 2 * 4096);
    damaged[4096 + 200] ^= 0x80;
    test::write_bytes(path, damaged);

    auto db = database::open(path, key, open_mode::open_existing);
    const errc value = error_of([&] { db.prepare("SELECT count(*) FROM t").run(); });
    REQUIRE((value == errc::corrupt || value == errc::wrong_key_or_not_a_database));
}
