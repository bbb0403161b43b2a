#include "crypto/sqlcipher_page_reader.hpp"

#include "crypto/error.hpp"
#include "sqlcipher_fixture.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

using namespace skrynka::crypto;
using namespace skrynka::crypto::testing;

namespace {

constexpr std::size_t page_size = 4096;
constexpr std::size_t frame_size = wal_frame_header_size + page_size;

// Creates a table and enough rows to fill several pages.
void fill_rows(test_database& db, int rows) {
    db.exec("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, v BLOB)");
    for (int i = 0; i < rows; ++i) {
        db.insert_blob("filler", pattern(300 + static_cast<std::size_t>(i)));
    }
}

bool has_problem(const sqlcipher_page_reader& reader, layout_problem_kind kind) {
    const auto& problems = reader.problems();
    return std::any_of(problems.begin(), problems.end(),
                       [kind](const layout_problem& p) { return p.kind == kind; });
}

std::uint64_t trailing_bytes_of(const sqlcipher_page_reader& reader, layout_problem_kind kind) {
    for (const auto& problem : reader.problems()) {
        if (problem.kind == kind) {
            return problem.trailing_bytes;
        }
    }
    return 0;
}

// Builds a checkpointed database of several pages and returns its file bytes.
std::vector<unsigned char> checkpointed_database(const temp_dir& dir) {
    auto path = dir.file("source.db");
    {
        test_database db(path, database_key());
        fill_rows(db, 60);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return read_file(path);
}

} // namespace

TEST_CASE("page reader decrypts every page of a WAL database", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 40);

    auto reader = sqlcipher_page_reader::open(path, database_key());
    REQUIRE(reader.has_wal());
    CHECK(reader.problems().empty());
    CHECK(reader.wal_frame_count() > 0);

    std::uint64_t main_pages = 0;
    std::uint64_t frames = 0;
    reader.for_each_page([&](const decrypted_page& page) {
        CHECK(page.hmac_ok);
        CHECK(page.plaintext.size() == page_size);
        if (page.source == page_source::main_file) {
            ++main_pages;
        } else {
            ++frames;
            CHECK(page.wal_salt_matches);
        }
    });
    CHECK(main_pages == reader.page_count());
    CHECK(frames == reader.wal_frame_count());
}

TEST_CASE("page reader returns the salt stored in the file", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto bytes = checkpointed_database(dir);
    auto path = dir.file("copy.db");
    write_file(path, bytes);

    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    auto salt = reader.salt();
    REQUIRE(salt.has_value());
    CHECK(std::equal(salt->begin(), salt->end(), bytes.begin()));
    CHECK(reader.page_count() == bytes.size() / page_size);
    CHECK_FALSE(reader.has_wal());
}

TEST_CASE("page reader puts the SQLite header on page 1", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("copy.db");
    write_file(path, checkpointed_database(dir));

    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    auto page = reader.read_page(1);
    REQUIRE(page.hmac_ok);
    std::string header(page.plaintext.begin(), page.plaintext.begin() + 16);
    CHECK(header == std::string("SQLite format 3\0", 16));
    CHECK(page.plaintext[16] == 0x10); // 4096, big-endian
    CHECK(page.plaintext[17] == 0x00);
    CHECK(page.plaintext[20] == sqlcipher_reserved_size);
    CHECK(reader.problems().empty());
}

TEST_CASE("page reader reports every page bad with a wrong key", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 20);

    auto reader = sqlcipher_page_reader::open(path, other_key());
    REQUIRE(reader.page_count() + reader.wal_frame_count() > 0);
    std::uint64_t visited = 0;
    reader.for_each_page([&](const decrypted_page& page) {
        ++visited;
        CHECK_FALSE(page.hmac_ok);
        CHECK(page.plaintext.empty());
    });
    CHECK(visited == reader.page_count() + reader.wal_frame_count());
    CHECK(reader.read_free_list().result == free_list::status::header_unreadable);
}

TEST_CASE("page reader rejects a bad key size and page size", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("copy.db");
    write_file(path, checkpointed_database(dir));

    auto short_key = secret_bytes::copy_of(pattern(16));
    CHECK_THROWS_MATCHES(sqlcipher_page_reader::open(path, short_key), crypto_error,
                         Catch::Predicate<crypto_error>([](const crypto_error& e) {
                             return e.code() == errc::invalid_argument;
                         }));
    for (std::size_t bad_size : {std::size_t{0}, std::size_t{256}, std::size_t{4000},
                                 std::size_t{131072}}) {
        CHECK_THROWS_AS(sqlcipher_page_reader::open(path, database_key(), bad_size), crypto_error);
    }
}

TEST_CASE("page reader throws for a missing database file", "[sqlcipher_page_reader]") {
    temp_dir dir;
    CHECK_THROWS_AS(sqlcipher_page_reader::open(dir.file("absent.db"), database_key()),
                    std::system_error);
}

TEST_CASE("page reader rejects page numbers out of range", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("copy.db");
    write_file(path, checkpointed_database(dir));

    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    CHECK_THROWS_AS(reader.read_page(0), crypto_error);
    CHECK_THROWS_AS(reader.read_page(reader.page_count() + 1), crypto_error);
    CHECK_THROWS_AS(reader.read_wal_frame(0), crypto_error);
}

TEST_CASE("page reader reports a flipped byte in page 2", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto original = checkpointed_database(dir);
    REQUIRE(original.size() >= 3 * page_size);
    auto path = dir.file("flipped.db");

    // Every byte of the reserved area (IV and HMAC), and 50 positions spread over the
    // encrypted span, first and last byte included.
    std::vector<std::size_t> offsets;
    for (std::size_t i = page_size - sqlcipher_reserved_size; i < page_size; ++i) {
        offsets.push_back(i);
    }
    std::size_t span = page_size - sqlcipher_reserved_size;
    for (std::size_t i = 0; i < 50; ++i) {
        offsets.push_back(i * (span - 1) / 49);
    }

    for (std::size_t offset : offsets) {
        auto bytes = original;
        bytes[page_size + offset] ^= 0x01;
        write_file(path, bytes);

        auto reader = sqlcipher_page_reader::open(path, {}, database_key());
        INFO("offset in page 2: " << offset);
        CHECK_FALSE(reader.read_page(2).hmac_ok);
        CHECK(reader.read_page(1).hmac_ok);
        CHECK(reader.read_page(3).hmac_ok);
    }
}

TEST_CASE("page reader reports a flipped byte in page 1", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto original = checkpointed_database(dir);
    auto path = dir.file("flipped.db");

    for (std::size_t offset : {std::size_t{16}, std::size_t{100}, page_size - 81, page_size - 80,
                               page_size - 1}) {
        auto bytes = original;
        bytes[offset] ^= 0x80;
        write_file(path, bytes);

        auto reader = sqlcipher_page_reader::open(path, {}, database_key());
        INFO("offset in page 1: " << offset);
        CHECK_FALSE(reader.read_page(1).hmac_ok);
        CHECK(reader.read_page(2).hmac_ok);
    }
}

TEST_CASE("page reader reports every page bad after a salt flip", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto original = checkpointed_database(dir);
    auto path = dir.file("flipped.db");

    // The salt feeds the HMAC key, so one changed salt byte fails every page.
    for (std::size_t offset = 0; offset < sqlcipher_salt_size; ++offset) {
        auto bytes = original;
        bytes[offset] ^= 0x01;
        write_file(path, bytes);

        auto reader = sqlcipher_page_reader::open(path, {}, database_key());
        INFO("salt byte: " << offset);
        for (std::uint32_t number = 1; number <= reader.page_count(); ++number) {
            CHECK_FALSE(reader.read_page(number).hmac_ok);
        }
    }
}

TEST_CASE("page reader detects a page moved to another position", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto bytes = checkpointed_database(dir);
    REQUIRE(bytes.size() >= 4 * page_size);
    std::swap_ranges(bytes.begin() + 2 * page_size, bytes.begin() + 3 * page_size,
                     bytes.begin() + 3 * page_size);
    auto path = dir.file("swapped.db");
    write_file(path, bytes);

    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    CHECK(reader.read_page(2).hmac_ok);
    CHECK_FALSE(reader.read_page(3).hmac_ok);
    CHECK_FALSE(reader.read_page(4).hmac_ok);
}

TEST_CASE("page reader survives truncation at 512-byte steps", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto original = checkpointed_database(dir);
    auto path = dir.file("truncated.db");

    std::set<std::size_t> sizes = {1, 15, 16, 17, page_size - 1, page_size, page_size + 1};
    for (std::size_t size = 0; size <= original.size(); size += 512) {
        sizes.insert(size);
    }

    for (std::size_t size : sizes) {
        INFO("file size: " << size);
        write_file(path, original, size);
        auto reader = sqlcipher_page_reader::open(path, {}, database_key());

        CHECK(reader.page_count() == size / page_size);
        CHECK(reader.salt().has_value() == (size >= sqlcipher_salt_size));
        CHECK(has_problem(reader, layout_problem_kind::empty_main_file) == (size == 0));
        CHECK(has_problem(reader, layout_problem_kind::partial_main_page) ==
              (size % page_size != 0));
        CHECK(trailing_bytes_of(reader, layout_problem_kind::partial_main_page) ==
              size % page_size);

        std::uint64_t visited = 0;
        reader.for_each_page([&](const decrypted_page& page) {
            ++visited;
            CHECK(page.hmac_ok);
        });
        CHECK(visited == size / page_size);

        auto free_pages = reader.read_free_list();
        if (size < page_size) {
            CHECK(free_pages.result == free_list::status::header_unreadable);
        }
    }
}

TEST_CASE("page reader reports a torn last WAL frame", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 20);

    auto main_bytes = read_file(path);
    auto wal_bytes = read_file(dir.file("mail.db-wal"));
    REQUIRE(wal_bytes.size() >= wal_header_size + 2 * frame_size);
    REQUIRE((wal_bytes.size() - wal_header_size) % frame_size == 0);
    std::uint64_t frames = (wal_bytes.size() - wal_header_size) / frame_size;

    auto copy = dir.file("copy.db");
    auto copy_wal = dir.file("copy.db-wal");
    write_file(copy, main_bytes);

    for (std::size_t cut : {std::size_t{1}, std::size_t{100}, page_size, frame_size - 1}) {
        INFO("bytes cut from the WAL: " << cut);
        write_file(copy_wal, wal_bytes, wal_bytes.size() - cut);
        auto reader = sqlcipher_page_reader::open(copy, database_key());

        CHECK(reader.wal_frame_count() == frames - 1);
        CHECK(has_problem(reader, layout_problem_kind::torn_wal_frame));
        CHECK(trailing_bytes_of(reader, layout_problem_kind::torn_wal_frame) == frame_size - cut);
        for (std::uint64_t index = 0; index < reader.wal_frame_count(); ++index) {
            CHECK(reader.read_wal_frame(index).hmac_ok);
        }
    }
}

TEST_CASE("page reader survives WAL truncation at 512-byte steps", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 20);

    auto copy = dir.file("copy.db");
    write_file(copy, read_file(path));
    auto wal_bytes = read_file(dir.file("mail.db-wal"));

    std::set<std::size_t> sizes = {wal_header_size - 1, wal_header_size, wal_header_size + 1,
                                   wal_header_size + frame_size - 1, wal_header_size + frame_size,
                                   wal_header_size + frame_size + 1};
    for (std::size_t size = 0; size <= wal_bytes.size(); size += 512) {
        sizes.insert(size);
    }

    for (std::size_t size : sizes) {
        INFO("WAL size: " << size);
        write_file(dir.file("copy.db-wal"), wal_bytes, size);
        auto reader = sqlcipher_page_reader::open(copy, database_key());

        std::size_t frame_bytes = size >= wal_header_size ? size - wal_header_size : 0;
        CHECK(reader.wal_frame_count() == frame_bytes / frame_size);
        CHECK(has_problem(reader, layout_problem_kind::short_wal_header) ==
              (size > 0 && size < wal_header_size));
        CHECK(has_problem(reader, layout_problem_kind::torn_wal_frame) ==
              (frame_bytes % frame_size != 0));
        CHECK_FALSE(has_problem(reader, layout_problem_kind::bad_wal_header));

        std::uint64_t failed = 0;
        reader.for_each_page([&](const decrypted_page& page) { failed += page.hmac_ok ? 0 : 1; });
        CHECK(failed == 0);
    }
}

TEST_CASE("page reader reports a short WAL header", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 5);

    auto copy = dir.file("copy.db");
    write_file(copy, read_file(path));
    auto wal_bytes = read_file(dir.file("mail.db-wal"));

    for (std::size_t size = 1; size < wal_header_size; ++size) {
        write_file(dir.file("copy.db-wal"), wal_bytes, size);
        auto reader = sqlcipher_page_reader::open(copy, database_key());
        INFO("WAL size: " << size);
        CHECK(has_problem(reader, layout_problem_kind::short_wal_header));
        CHECK(reader.wal_frame_count() == 0);
    }

    write_file(dir.file("copy.db-wal"), wal_bytes, 0);
    auto reader = sqlcipher_page_reader::open(copy, database_key());
    CHECK(reader.has_wal());
    CHECK(reader.problems().empty());
    CHECK(reader.wal_frame_count() == 0);
}

TEST_CASE("page reader reports a bad WAL header", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 5);

    auto copy = dir.file("copy.db");
    write_file(copy, read_file(path));
    auto wal_bytes = read_file(dir.file("mail.db-wal"));

    for (std::size_t offset : {std::size_t{0}, std::size_t{3}, std::size_t{10}}) {
        auto bytes = wal_bytes;
        bytes[offset] ^= 0x04;
        write_file(dir.file("copy.db-wal"), bytes);
        auto reader = sqlcipher_page_reader::open(copy, database_key());
        INFO("WAL header byte: " << offset);
        CHECK(has_problem(reader, layout_problem_kind::bad_wal_header));
    }
}

TEST_CASE("page reader reports a flipped byte in a WAL frame", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    fill_rows(db, 20);

    auto copy = dir.file("copy.db");
    write_file(copy, read_file(path));
    auto wal_bytes = read_file(dir.file("mail.db-wal"));

    // Page number field, then the encrypted span, IV and HMAC of frame 1.
    std::size_t frame_start = wal_header_size + frame_size;
    for (std::size_t offset : {std::size_t{3}, wal_frame_header_size + 10, frame_size - 70,
                               frame_size - 1}) {
        auto bytes = wal_bytes;
        bytes[frame_start + offset] ^= 0x01;
        write_file(dir.file("copy.db-wal"), bytes);
        auto reader = sqlcipher_page_reader::open(copy, database_key());
        INFO("offset in frame 1: " << offset);
        CHECK(reader.read_wal_frame(0).hmac_ok);
        CHECK_FALSE(reader.read_wal_frame(1).hmac_ok);
    }
}
