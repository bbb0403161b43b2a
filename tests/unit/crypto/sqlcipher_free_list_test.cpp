#include "crypto/sqlcipher_page_reader.hpp"

#include "sqlcipher_fixture.hpp"
#include "sqlcipher_page_writer.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace skrynka::crypto;
using namespace skrynka::crypto::testing;

namespace {

constexpr std::size_t page_size = 4096;

void store_u32_be(std::vector<unsigned char>& bytes, std::size_t offset, std::uint32_t value) {
    bytes[offset] = static_cast<unsigned char>(value >> 24);
    bytes[offset + 1] = static_cast<unsigned char>(value >> 16);
    bytes[offset + 2] = static_cast<unsigned char>(value >> 8);
    bytes[offset + 3] = static_cast<unsigned char>(value);
}

// A checkpointed database whose deleted rows left pages on the free list, read back as
// the file bytes and the SQLite free page count.
struct database_with_free_pages {
    std::vector<unsigned char> bytes;
    std::string freelist_count;
};

database_with_free_pages make_free_pages(const temp_dir& dir) {
    auto path = dir.file("source.db");
    test_database db(path, database_key());
    db.exec("CREATE TABLE message (id INTEGER PRIMARY KEY, v BLOB)");
    for (int i = 0; i < 30; ++i) {
        db.insert_blob("message", pattern(9000));
    }
    db.exec("DELETE FROM message WHERE id > 2");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return {read_file(path), db.query_text("PRAGMA freelist_count")};
}

// Rewrites page page_number of the file bytes: decrypts it, lets change edit the
// plaintext, and encrypts it again with a valid HMAC.
template <typename Change>
void rewrite_page(const temp_dir& dir, std::vector<unsigned char>& bytes, std::uint32_t page_number,
                  Change change) {
    auto path = dir.file("rewrite.db");
    write_file(path, bytes);
    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    auto page = reader.read_page(page_number);
    REQUIRE(page.hmac_ok);

    std::vector<unsigned char> plaintext = page.plaintext;
    change(plaintext);
    auto image = encrypt_page(plaintext, page_number, database_key(), *reader.salt());
    std::copy(image.begin(), image.end(),
              bytes.begin() + static_cast<std::ptrdiff_t>((page_number - 1) * page_size));
}

free_list read_free_list_of(const temp_dir& dir, const std::vector<unsigned char>& bytes) {
    auto path = dir.file("damaged.db");
    write_file(path, bytes);
    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    return reader.read_free_list();
}

} // namespace

TEST_CASE("SQLCipher reads pages the test writer encrypted", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto source = make_free_pages(dir);
    auto bytes = source.bytes;
    std::uint32_t pages = static_cast<std::uint32_t>(bytes.size() / page_size);

    // A new IV changes every ciphertext byte, so SQLCipher accepting the pages shows
    // that the writer, and with it the reader's view of the format, matches SQLCipher.
    for (std::uint32_t number = 1; number <= pages; ++number) {
        rewrite_page(dir, bytes, number, [](std::vector<unsigned char>&) {});
    }
    REQUIRE(bytes != source.bytes);

    auto path = dir.file("rewritten.db");
    write_file(path, bytes);
    test_database db(path, database_key());
    CHECK(db.query_text("PRAGMA integrity_check") == "ok");
    CHECK(db.query_text("SELECT count(*) FROM message") == "2");
}

TEST_CASE("free list walk agrees with SQLite", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto source = make_free_pages(dir);
    auto list = read_free_list_of(dir, source.bytes);

    CHECK(list.result == free_list::status::ok);
    CHECK(std::to_string(list.trunk_pages.size() + list.leaf_pages.size()) ==
          source.freelist_count);
    CHECK(std::to_string(list.header_count) == source.freelist_count);
    REQUIRE(list.trunk_pages.size() == 1);
    CHECK(list.contains(list.trunk_pages[0]));
    CHECK_FALSE(list.contains(1));
}

TEST_CASE("free list walk detects a trunk cycle", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    std::uint32_t trunk = read_free_list_of(dir, bytes).trunk_pages.at(0);

    rewrite_page(dir, bytes, trunk,
                 [trunk](std::vector<unsigned char>& page) { store_u32_be(page, 0, trunk); });
    auto list = read_free_list_of(dir, bytes);
    CHECK(list.result == free_list::status::trunk_cycle);
    CHECK(list.trunk_pages.size() == 1);
}

TEST_CASE("free list walk detects a trunk past the end", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    std::uint32_t past_end = static_cast<std::uint32_t>(bytes.size() / page_size) + 1;

    rewrite_page(dir, bytes, 1, [past_end](std::vector<unsigned char>& page) {
        store_u32_be(page, 32, past_end);
    });
    CHECK(read_free_list_of(dir, bytes).result == free_list::status::trunk_out_of_range);
}

TEST_CASE("free list walk detects too many leaves", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    std::uint32_t trunk = read_free_list_of(dir, bytes).trunk_pages.at(0);
    std::uint32_t max_leaves = (page_size - sqlcipher_reserved_size) / 4 - 2;

    rewrite_page(dir, bytes, trunk, [max_leaves](std::vector<unsigned char>& page) {
        store_u32_be(page, 4, max_leaves + 1);
    });
    CHECK(read_free_list_of(dir, bytes).result == free_list::status::leaf_count_too_large);
}

TEST_CASE("free list walk detects a leaf past the end", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    std::uint32_t trunk = read_free_list_of(dir, bytes).trunk_pages.at(0);

    for (std::uint32_t leaf : {std::uint32_t{0}, static_cast<std::uint32_t>(bytes.size() / page_size) + 1}) {
        auto damaged = bytes;
        rewrite_page(dir, damaged, trunk,
                     [leaf](std::vector<unsigned char>& page) { store_u32_be(page, 8, leaf); });
        INFO("leaf page number: " << leaf);
        CHECK(read_free_list_of(dir, damaged).result == free_list::status::leaf_out_of_range);
    }
}

TEST_CASE("free list walk detects a count mismatch", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;

    rewrite_page(dir, bytes, 1, [](std::vector<unsigned char>& page) {
        store_u32_be(page, 36, 1000);
    });
    auto list = read_free_list_of(dir, bytes);
    CHECK(list.result == free_list::status::count_mismatch);
    CHECK(list.header_count == 1000);
}

TEST_CASE("free list walk reports a bad trunk page", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    std::uint32_t trunk = read_free_list_of(dir, bytes).trunk_pages.at(0);
    bytes[(trunk - 1) * page_size + 100] ^= 0x01;

    CHECK(read_free_list_of(dir, bytes).result == free_list::status::trunk_unreadable);
}

TEST_CASE("free list walk reports a bad page 1", "[sqlcipher_free_list]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    bytes[100] ^= 0x01;

    CHECK(read_free_list_of(dir, bytes).result == free_list::status::header_unreadable);
}

TEST_CASE("page reader reports a page size mismatch", "[sqlcipher_page_reader]") {
    temp_dir dir;
    auto bytes = make_free_pages(dir).bytes;
    rewrite_page(dir, bytes, 1, [](std::vector<unsigned char>& page) { page[16] = 0x20; });

    auto path = dir.file("damaged.db");
    write_file(path, bytes);
    auto reader = sqlcipher_page_reader::open(path, {}, database_key());
    CHECK(reader.problems().empty());
    CHECK(reader.read_page(1).hmac_ok);
    REQUIRE(reader.problems().size() == 1);
    CHECK(reader.problems()[0].kind == layout_problem_kind::page_size_mismatch);
}
