#include "crypto/absence_scan.hpp"

#include <algorithm>
#include <vector>

namespace skrynka::crypto {
namespace {

constexpr std::size_t raw_block_size = 64 * 1024;

void record(absence_report& report, const needle_match& match, needle_location location) {
    location.offset += match.offset;
    location.needle_offset = match.needle_offset;
    location.length = match.length;

    needle_findings& findings = report.findings[match.needle];
    ++findings.match_count;
    if (findings.locations.size() < max_locations_per_needle) {
        findings.locations.push_back(location);
    }
}

void scan_pages(sqlcipher_page_reader& reader, const byte_matcher& needles, absence_report& report) {
    // Indexed by page number, because free_list::contains is a linear search.
    std::vector<bool> free_page(std::size_t{reader.page_count()} + 1, false);
    for (const auto* pages : {&report.free_pages.trunk_pages, &report.free_pages.leaf_pages}) {
        for (std::uint32_t number : *pages) {
            free_page[number] = true;
        }
    }

    reader.for_each_page([&](const decrypted_page& page) {
        if (!page.hmac_ok) {
            report.hmac_failures.push_back({page.source, page.page_number, page.frame_index});
            return;
        }
        ++report.pages_scanned;

        needle_location where;
        where.page_number = page.page_number;
        if (page.source == page_source::main_file) {
            where.area = scan_area::main_page;
            where.on_free_list = free_page[page.page_number];
        } else {
            where.area = scan_area::wal_frame;
            where.frame_index = page.frame_index;
        }
        needles.find_all(page.plaintext,
                         [&](const needle_match& match) { record(report, match, where); });
    });
}

// Reads the file in blocks. Each block is searched together with the last
// max_match_length - 1 bytes of the one before, so a match across a block boundary is
// found. A match lying wholly in that carried tail was reported with the previous
// block and is skipped.
void scan_raw_file(sqlcipher_page_reader& reader, page_source source, const byte_matcher& needles,
                   absence_report& report) {
    std::uint64_t size = reader.file_size(source);
    std::size_t carry_limit = needles.max_match_length() > 0 ? needles.max_match_length() - 1 : 0;
    std::vector<unsigned char> buffer;
    std::vector<unsigned char> block(raw_block_size);

    needle_location where;
    where.area = source == page_source::main_file ? scan_area::main_file_raw : scan_area::wal_file_raw;

    std::uint64_t offset = 0;
    while (offset < size) {
        std::size_t got = reader.read_raw(source, offset, block);
        if (got == 0) {
            break;
        }

        std::size_t carried = buffer.size();
        buffer.insert(buffer.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(got));
        std::uint64_t buffer_start = offset - carried;
        needles.find_all(buffer, [&](const needle_match& match) {
            if (match.offset + match.length <= carried) {
                return;
            }
            needle_location at = where;
            at.offset = buffer_start;
            record(report, match, at);
        });

        std::size_t keep = std::min(carry_limit, buffer.size());
        buffer.erase(buffer.begin(), buffer.end() - static_cast<std::ptrdiff_t>(keep));
        offset += got;
        report.raw_bytes_scanned += got;
    }
}

} // namespace

bool absence_report::any_needle_found() const noexcept {
    return std::any_of(findings.begin(), findings.end(),
                       [](const needle_findings& f) { return f.match_count > 0; });
}

bool absence_report::proves_absence() const noexcept {
    return !any_needle_found() && hmac_failures.empty() && layout_problems.empty();
}

absence_report scan_for_needles(sqlcipher_page_reader& reader, const byte_matcher& needles) {
    absence_report report;
    report.findings.resize(needles.size());

    report.free_pages = reader.read_free_list();
    scan_pages(reader, needles, report);
    scan_raw_file(reader, page_source::main_file, needles, report);
    scan_raw_file(reader, page_source::wal, needles, report);

    // Read last, because reading page 1 can add a page size mismatch.
    report.layout_problems = reader.problems();
    return report;
}

} // namespace skrynka::crypto
