// A scan of a SQLCipher 4 database and its WAL for byte strings that must be gone, such
// as a deleted message's sealed content key and ciphertext chunks.
//
// The scan verifies and decrypts every page of the main file and every WAL frame with
// sqlcipher_page_reader, free-list pages and stale frames included. It searches each
// page's plaintext with a byte_matcher: a needle_set, which cuts long needles into
// pieces as byte_search.hpp describes, or a fingerprint_set, which matches keyed
// fingerprints of such pieces when the needles themselves are gone. Pages are searched one at a time, so a match never spans
// two pages. The scan then searches both files as raw bytes. That finds a needle stored
// outside the encryption, even across page boundaries, and a needle in bytes that form
// no whole page or frame.
//
// TODO: also scan a leftover rollback journal (the database path plus "-journal"),
// which holds encrypted page images in the same format. WAL mode writes no such
// journal, so one exists only if the database was used in another journal mode. The
// "-shm" WAL index holds page numbers, frame positions and a copy of the WAL header,
// but no page content.
#pragma once

#include "crypto/byte_search.hpp"
#include "crypto/sqlcipher_page_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace skrynka::crypto {

// Maximum number of locations kept per needle. match_count still counts every match.
inline constexpr std::size_t max_locations_per_needle = 64;

enum class scan_area {
    // Decrypted page of the main file.
    main_page,
    // Decrypted page image of a WAL frame.
    wal_frame,
    // Raw bytes of the main file.
    main_file_raw,
    // Raw bytes of the WAL file.
    wal_file_raw,
};

struct needle_location {
    scan_area area = scan_area::main_page;
    // Page number of a decrypted page or frame, or 0 for raw bytes.
    std::uint32_t page_number = 0;
    // 0-based WAL frame index for scan_area::wal_frame, or 0 for other areas.
    std::uint64_t frame_index = 0;
    // Whether a main_page is on the main file's free list.
    bool on_free_list = false;
    // Offset of the match in the page plaintext, or in the raw file.
    std::uint64_t offset = 0;
    // Which part of the needle matched: 0 and the needle's length for a whole needle,
    // the piece's offset and length for a piece of a long one.
    std::uint64_t needle_offset = 0;
    std::uint64_t length = 0;
};

struct needle_findings {
    std::uint64_t match_count = 0;
    // The first max_locations_per_needle matches: pages in file order, then raw bytes.
    std::vector<needle_location> locations;
};

struct failed_page {
    page_source source = page_source::main_file;
    std::uint32_t page_number = 0;
    std::uint64_t frame_index = 0;
};

struct absence_report {
    // Pages and frames that verified and were searched.
    std::uint64_t pages_scanned = 0;
    // Pages and frames that failed their HMAC, and so could not be searched.
    std::vector<failed_page> hmac_failures;
    std::uint64_t raw_bytes_scanned = 0;
    std::vector<layout_problem> layout_problems;
    free_list free_pages;
    // One entry per needle, in the order given.
    std::vector<needle_findings> findings;

    bool any_needle_found() const noexcept;

    // Returns true only when no needle matched anywhere, every page and frame verified
    // and the files had no layout problem. A free list that could not be walked does not
    // count against absence, because every page is searched whether free or not.
    bool proves_absence() const noexcept;
};

// Scans everything the reader can read for needles. Throws what the reader throws on
// an I/O error. A damaged file is reported in the result, not thrown.
absence_report scan_for_needles(sqlcipher_page_reader& reader, const byte_matcher& needles);

} // namespace skrynka::crypto
