// An independent reader of SQLCipher 4 database and WAL files: it verifies and decrypts
// every page itself, with Botan, without SQLite or SQLCipher. It is the basis for
// proving that bytes are absent from a database, so it reports every page it cannot
// verify instead of skipping it.
//
// Format, as checked against SQLCipher 4.14 (SQLite 3.51) with a raw 32-byte key and
// its default settings (HMAC-SHA512, PBKDF2-HMAC-SHA512, 4096-byte pages):
//
// The main file is a sequence of pages of page_size bytes. The first 16 bytes of the
// file (of page 1) are a random salt, stored in the clear. Every page ends in an 80-byte
// reserved area: a 16-byte IV, then a 64-byte HMAC-SHA512. The encrypted span is the
// rest of the page: bytes [0, page_size - 80) of page 2 and later, and bytes
// [16, page_size - 80) of page 1. The span is AES-256-CBC with the raw key and the IV,
// without padding. The HMAC key is PBKDF2-HMAC-SHA512 of the raw key, with the salt
// XOR 0x3a (each byte) as salt, 2 iterations, 32 bytes of output. The HMAC covers the
// encrypted span, then the IV, then the 1-based page number as a little-endian 32-bit
// integer, so a page moved to another position fails to verify.
//
// After decryption, SQLCipher puts the 16-byte string "SQLite format 3\0" where the salt
// was, which makes page 1 an ordinary SQLite header page. It stores the page size at
// offset 16 (big-endian 16 bits, 1 meaning 65536) and the reserved bytes per page at
// offset 20. The first free-list trunk page is at offset 32 and the number of free-list
// pages at offset 36, both big-endian 32 bits.
//
// The WAL file (the database path plus "-wal") starts with a 32-byte header in the
// clear: magic 0x377f0682 or 0x377f0683, format version, page size, checkpoint
// sequence, two salts and two checksums, all big-endian 32 bits. Frames follow, each a
// 24-byte header (page number, database size after commit, the two salts, two
// checksums, big-endian 32 bits) and one page image encrypted exactly as in the main
// file under the same key and file salt, page 1 included with its 16 salt bytes.
// Frames from before the last WAL restart stay in the file until they are overwritten.
// Their salts differ from the header's, but they still hold data, so they are read too.
#pragma once

#include "crypto/secret.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace skrynka::crypto {

inline constexpr std::size_t sqlcipher_key_size = 32;
inline constexpr std::size_t sqlcipher_salt_size = 16;
inline constexpr std::size_t sqlcipher_iv_size = 16;
inline constexpr std::size_t sqlcipher_hmac_size = 64;
inline constexpr std::size_t sqlcipher_reserved_size = sqlcipher_iv_size + sqlcipher_hmac_size;
inline constexpr std::size_t sqlcipher_default_page_size = 4096;
inline constexpr std::size_t wal_header_size = 32;
inline constexpr std::size_t wal_frame_header_size = 24;

using sqlcipher_salt = std::array<unsigned char, sqlcipher_salt_size>;

enum class page_source { main_file, wal };

// One page image as read from a file, verified and, when the HMAC holds, decrypted.
// The plaintext is not treated as a secret, but the destructor zeroes it so that page
// contents do not linger in freed memory.
struct decrypted_page {
    page_source source = page_source::main_file;
    // 0-based frame index in the WAL, or 0 for a page of the main file.
    std::uint64_t frame_index = 0;
    // 1-based page number: the position in the main file, or the frame header's field.
    std::uint32_t page_number = 0;
    bool hmac_ok = false;
    // WAL frames only: whether the frame's salts match the WAL header, which is true for
    // frames written since the last WAL restart.
    bool wal_salt_matches = false;
    // page_size bytes when hmac_ok, and empty otherwise, because a page that fails its
    // HMAC is never decrypted. Page 1 starts with "SQLite format 3\0" in place of the salt. The
    // reserved area (IV and HMAC) is copied as stored.
    std::vector<unsigned char> plaintext;

    decrypted_page() = default;
    decrypted_page(decrypted_page&&) noexcept = default;
    decrypted_page& operator=(decrypted_page&&) noexcept = default;
    decrypted_page(const decrypted_page&) = delete;
    decrypted_page& operator=(const decrypted_page&) = delete;
    ~decrypted_page();
};

// Something about the files' layout that the reader found and that a caller proving
// absence must not ignore. Bytes that do not form a whole page or frame cannot be
// verified, but absence_scan still searches them as raw bytes.
enum class layout_problem_kind {
    // The main file has no bytes, so there is no salt and no page.
    empty_main_file,
    // The main file size is not a multiple of the page size, and trailing_bytes is the
    // remainder. The whole pages before them are read as usual.
    partial_main_page,
    // The WAL file has 1 to 31 bytes: shorter than its header.
    short_wal_header,
    // The WAL header has an unknown magic number or a page size other than the reader's.
    bad_wal_header,
    // The WAL ends in a frame shorter than 24 + page_size bytes (a torn write).
    torn_wal_frame,
    // Page 1 verified, but its SQLite header gives another page size, or a reserved area
    // other than 80 bytes.
    page_size_mismatch,
};

struct layout_problem {
    layout_problem_kind kind;
    // Bytes left over after the last whole page or frame, or 0 when not applicable.
    std::uint64_t trailing_bytes = 0;
};

// The main file's free list as its page 1 and trunk pages describe it.
struct free_list {
    enum class status {
        ok,
        // There is no page 1, or it failed its HMAC, so the list is unknown.
        header_unreadable,
        // A trunk page number is past the end of the file.
        trunk_out_of_range,
        // A trunk page appears twice in the chain.
        trunk_cycle,
        // A trunk page failed its HMAC.
        trunk_unreadable,
        // A trunk page claims more leaf pointers than fit in one page.
        leaf_count_too_large,
        // A leaf page number is 0 or past the end of the file.
        leaf_out_of_range,
        // The walk ended with a page count other than the header's free page count,
        // including a list that the header says is empty but counts pages for.
        count_mismatch,
    };

    status result = status::ok;
    std::vector<std::uint32_t> trunk_pages;
    std::vector<std::uint32_t> leaf_pages;
    // The free page count stored at offset 36 of page 1.
    std::uint32_t header_count = 0;

    // Returns whether page_number is a trunk or leaf page found by the walk.
    bool contains(std::uint32_t page_number) const;
};

// Reads one database file and its WAL. Holds the raw key, the derived HMAC key (both in
// guarded memory) and open file descriptors. Not thread-safe, so one thread at a time
// uses it. Move-only. File sizes are taken at open(), so the files must not change
// while they are read: bytes appended later are not read, and a file that shrinks makes
// reads throw std::system_error.
class sqlcipher_page_reader {
public:
    // Opens database and, if it exists, wal. The WAL path defaults to the database path
    // plus "-wal", and an empty path ignores the WAL. Reads the salt and checks the
    // layout, but reads pages only on request. Throws crypto_error(invalid_argument) when the key is not 32
    // bytes or page_size is not a power of two from 512 to 65536. Throws
    // std::system_error when a file exists but cannot be opened or read, or when the
    // database file does not exist. A file whose contents are damaged is not an error:
    // the damage shows in problems() and in hmac_ok.
    static sqlcipher_page_reader open(const std::filesystem::path& database, const secret_bytes& key,
                                      std::size_t page_size = sqlcipher_default_page_size);
    static sqlcipher_page_reader open(const std::filesystem::path& database,
                                      const std::filesystem::path& wal, const secret_bytes& key,
                                      std::size_t page_size = sqlcipher_default_page_size);

    sqlcipher_page_reader(sqlcipher_page_reader&&) noexcept;
    sqlcipher_page_reader& operator=(sqlcipher_page_reader&&) noexcept;
    ~sqlcipher_page_reader();

    std::size_t page_size() const noexcept;

    // The file salt, or nothing when the main file is shorter than 16 bytes. Without a
    // salt no page can be verified, so every page and frame then reports hmac_ok false.
    std::optional<sqlcipher_salt> salt() const noexcept;

    // Whole pages in the main file.
    std::uint32_t page_count() const noexcept;
    // Whole frames in the WAL, or 0 when there is no WAL.
    std::uint64_t wal_frame_count() const noexcept;
    bool has_wal() const noexcept;

    // Layout problems found by open() and, once page 1 has been read, the header check.
    const std::vector<layout_problem>& problems() const noexcept;

    // Reads and verifies page page_number (1-based) of the main file. Throws
    // crypto_error(invalid_argument) when page_number is 0 or above page_count(), and
    // std::system_error when the read fails.
    decrypted_page read_page(std::uint32_t page_number);

    // Reads and verifies WAL frame frame_index (0-based). Throws
    // crypto_error(invalid_argument) when frame_index is not below wal_frame_count().
    decrypted_page read_wal_frame(std::uint64_t frame_index);

    // Calls visit for every page of the main file in order, then every WAL frame in
    // order. Also checks page 1's header, adding page_size_mismatch to problems().
    void for_each_page(const std::function<void(const decrypted_page&)>& visit);

    // Walks the main file's free list from page 1. The walk visits at most
    // page_count() trunk pages and stops at the first problem, which the status names.
    // The result then holds the pages found up to that point. Newer images of page 1
    // and the trunk pages in the WAL are not consulted.
    free_list read_free_list();

    // Reads up to buffer.size() raw bytes from source's file at offset, for searching
    // the ciphertext. Returns the number read, which is less only at the end of the file.
    std::size_t read_raw(page_source source, std::uint64_t offset, std::span<unsigned char> buffer);
    std::uint64_t file_size(page_source source) const noexcept;

private:
    struct state;
    explicit sqlcipher_page_reader(std::unique_ptr<state> state);
    std::unique_ptr<state> state_;
};

} // namespace skrynka::crypto
