#include "crypto/absence_scan.hpp"

#include "sqlcipher_fixture.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using namespace skrynka::crypto;
using namespace skrynka::crypto::testing;

namespace {

constexpr std::size_t page_size = 4096;
const std::string marker = "skrynka-marker-5e1d0c77";

// pattern() bytes with the marker copied in every 1000 bytes, so that a value spread
// over overflow pages puts a marker on each of them.
std::vector<unsigned char> blob_with_markers(std::size_t size) {
    auto bytes = pattern(size);
    for (std::size_t offset = 0; offset + marker.size() <= size; offset += 1000) {
        std::memcpy(bytes.data() + offset, marker.data(), marker.size());
    }
    return bytes;
}

// A table of rows that carry the marker, small ones and one of 20000 bytes that spills
// into overflow pages, beside a table of unrelated rows that stays.
void write_marked_rows(test_database& db) {
    db.exec("CREATE TABLE message (id INTEGER PRIMARY KEY, v BLOB)");
    db.exec("CREATE TABLE other (id INTEGER PRIMARY KEY, v BLOB)");
    for (std::size_t i = 0; i < 40; ++i) {
        db.insert_blob("other", pattern(200 + i));
    }
    for (int i = 0; i < 3; ++i) {
        db.insert_blob("message", bytes_of("row " + std::to_string(i) + " " + marker));
    }
    db.insert_blob("message", blob_with_markers(20000));
}

absence_report scan(const std::filesystem::path& path, const secret_bytes& key) {
    auto reader = sqlcipher_page_reader::open(path, key);
    needle_set needles({bytes_of(marker)});
    return scan_for_needles(reader, needles);
}

bool found_in(const absence_report& report, scan_area area) {
    const auto& locations = report.findings.at(0).locations;
    return std::any_of(locations.begin(), locations.end(),
                       [area](const needle_location& at) { return at.area == area; });
}

bool found_on_free_page(const absence_report& report) {
    const auto& locations = report.findings.at(0).locations;
    return std::any_of(locations.begin(), locations.end(),
                       [](const needle_location& at) { return at.on_free_list; });
}

// Runs the delete scenario with secure_delete on or off, checkpoints and truncates the
// WAL, and returns the scan of what is left.
absence_report scan_after_delete(const temp_dir& dir, bool secure_delete) {
    auto path = dir.file(secure_delete ? "secure.db" : "plain.db");
    test_database db(path, database_key());
    db.exec(secure_delete ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = OFF");
    write_marked_rows(db);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("DELETE FROM message");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(std::filesystem::file_size(dir.file(path.filename().string() + "-wal")) == 0);
    return scan(path, database_key());
}

} // namespace

TEST_CASE("absence scan finds the marker in the WAL", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    write_marked_rows(db);

    auto report = scan(path, database_key());
    CHECK(report.hmac_failures.empty());
    CHECK(report.layout_problems.empty());
    CHECK(report.findings.at(0).match_count > 0);
    CHECK(found_in(report, scan_area::wal_frame));
    CHECK_FALSE(found_in(report, scan_area::main_page));
    CHECK_FALSE(found_in(report, scan_area::main_file_raw));
    CHECK_FALSE(found_in(report, scan_area::wal_file_raw));
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan finds the marker after checkpoint", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    write_marked_rows(db);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");

    auto reader = sqlcipher_page_reader::open(path, database_key());
    CHECK(reader.wal_frame_count() == 0);
    needle_set needles({bytes_of(marker)});
    auto report = scan_for_needles(reader, needles);

    CHECK(report.hmac_failures.empty());
    CHECK(report.pages_scanned == reader.page_count());
    CHECK(report.raw_bytes_scanned == reader.file_size(page_source::main_file));
    CHECK(found_in(report, scan_area::main_page));
    CHECK_FALSE(found_in(report, scan_area::wal_frame));
    CHECK_FALSE(found_in(report, scan_area::main_file_raw));
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan proves a secure delete", "[absence_scan]") {
    temp_dir dir;
    auto report = scan_after_delete(dir, true);

    CHECK(report.pages_scanned > 0);
    CHECK(report.hmac_failures.empty());
    CHECK(report.layout_problems.empty());
    CHECK(report.findings.at(0).match_count == 0);
    CHECK(report.free_pages.result == free_list::status::ok);
    CHECK_FALSE(report.free_pages.leaf_pages.empty());
    CHECK(report.proves_absence());
}

TEST_CASE("absence scan finds a plain delete on free pages", "[absence_scan]") {
    temp_dir dir;
    auto report = scan_after_delete(dir, false);

    CHECK(report.hmac_failures.empty());
    CHECK(report.free_pages.result == free_list::status::ok);
    CHECK(report.free_pages.trunk_pages.size() + report.free_pages.leaf_pages.size() ==
          report.free_pages.header_count);
    CHECK(report.findings.at(0).match_count > 0);
    CHECK(found_on_free_page(report));
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan fails with a wrong key", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    write_marked_rows(db);

    auto reader = sqlcipher_page_reader::open(path, other_key());
    needle_set needles({bytes_of(marker)});
    auto report = scan_for_needles(reader, needles);

    CHECK(report.pages_scanned == 0);
    CHECK(report.hmac_failures.size() == reader.page_count() + reader.wal_frame_count());
    CHECK(report.findings.at(0).match_count == 0);
    CHECK(report.free_pages.result == free_list::status::header_unreadable);
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan finds raw bytes across pages", "[absence_scan]") {
    temp_dir dir;
    auto source = dir.file("source.db");
    {
        test_database db(source, database_key());
        db.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, v BLOB)");
        for (std::size_t i = 0; i < 300; ++i) {
            db.insert_blob("filler", pattern(300));
        }
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    auto original = read_file(source);
    REQUIRE(original.size() > 70000);

    // Across the boundary of pages 3 and 4, and across the scan's 64 KiB read blocks
    // (pages 16 and 17).
    for (std::size_t offset : {3 * page_size - 5, std::size_t{65536} - 7}) {
        auto bytes = original;
        std::memcpy(bytes.data() + offset, marker.data(), marker.size());
        auto path = dir.file("planted.db");
        write_file(path, bytes);

        INFO("marker offset: " << offset);
        auto report = scan(path, database_key());
        REQUIRE(report.findings.at(0).locations.size() == 1);
        const auto& at = report.findings.at(0).locations[0];
        CHECK(at.area == scan_area::main_file_raw);
        CHECK(at.offset == offset);
        CHECK(at.length == marker.size());
        REQUIRE(report.hmac_failures.size() == 2);
        CHECK(report.hmac_failures[0].page_number == offset / page_size + 1);
        CHECK(report.hmac_failures[1].page_number == offset / page_size + 2);
        CHECK_FALSE(report.proves_absence());
    }
}

TEST_CASE("absence scan searches a partial page", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    {
        test_database db(path, database_key());
        db.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, v BLOB)");
        db.insert_blob("filler", pattern(300));
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    auto bytes = read_file(path);
    bytes.resize(bytes.size() + 100);
    std::memcpy(bytes.data() + bytes.size() - 50, marker.data(), marker.size());
    write_file(path, bytes);

    auto report = scan(path, database_key());
    CHECK(report.hmac_failures.empty());
    REQUIRE(report.layout_problems.size() == 1);
    CHECK(report.layout_problems[0].kind == layout_problem_kind::partial_main_page);
    CHECK(report.layout_problems[0].trailing_bytes == 100);
    CHECK(found_in(report, scan_area::main_file_raw));
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan rejects a torn WAL", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    db.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, v BLOB)");
    db.insert_blob("filler", pattern(300));

    auto copy = dir.file("copy.db");
    write_file(copy, read_file(path));
    auto wal_bytes = read_file(dir.file("mail.db-wal"));
    write_file(dir.file("copy.db-wal"), wal_bytes, wal_bytes.size() - 10);

    auto report = scan(copy, database_key());
    CHECK(report.hmac_failures.empty());
    CHECK(report.findings.at(0).match_count == 0);
    REQUIRE(report.layout_problems.size() == 1);
    CHECK(report.layout_problems[0].kind == layout_problem_kind::torn_wal_frame);
    CHECK_FALSE(report.proves_absence());
}

TEST_CASE("absence scan finds the marker in stale WAL frames", "[absence_scan]") {
    temp_dir dir;
    auto path = dir.file("mail.db");
    test_database db(path, database_key());
    db.exec("PRAGMA secure_delete = ON");
    write_marked_rows(db);

    // RESTART makes the next write start the WAL over with new salts, so the frames that
    // hold the marker stay behind the new ones as stale frames.
    db.exec("PRAGMA wal_checkpoint(RESTART)");
    db.exec("DELETE FROM message");
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");

    auto reader = sqlcipher_page_reader::open(path, database_key());
    needle_set needles({bytes_of(marker)});
    auto report = scan_for_needles(reader, needles);
    CHECK(report.hmac_failures.empty());
    REQUIRE(report.findings.at(0).match_count > 0);
    for (const auto& at : report.findings.at(0).locations) {
        REQUIRE(at.area == scan_area::wal_frame);
        INFO("frame: " << at.frame_index);
        CHECK_FALSE(reader.read_wal_frame(at.frame_index).wal_salt_matches);
    }
    CHECK_FALSE(report.proves_absence());

    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    CHECK(scan(path, database_key()).proves_absence());
}
