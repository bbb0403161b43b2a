#include "src/cli/absence_proof.hpp"

#include "crypto/encoding.hpp"
#include "crypto/fingerprint_set.hpp"
#include "crypto/sqlcipher_page_reader.hpp"
#include "src/cli/cli_error.hpp"

#include <fmt/format.h>
#include <ostream>

namespace skrynka::app::cli {

namespace {

std::string_view area_name(crypto::scan_area area) {
    switch (area) {
    case crypto::scan_area::main_page:
        return "page";
    case crypto::scan_area::wal_frame:
        return "wal_frame";
    case crypto::scan_area::main_file_raw:
        return "file_raw";
    case crypto::scan_area::wal_file_raw:
        return "wal_raw";
    }
    return "unknown";
}

std::string describe(const crypto::needle_location& location) {
    switch (location.area) {
    case crypto::scan_area::main_page:
        return fmt::format("page={} free_list={} offset={}", location.page_number,
                           location.on_free_list ? "yes" : "no", location.offset);
    case crypto::scan_area::wal_frame:
        return fmt::format("wal_frame={} page={} offset={}", location.frame_index,
                           location.page_number, location.offset);
    default:
        return fmt::format("{} offset={}", area_name(location.area), location.offset);
    }
}

} // namespace

crypto::fingerprints check_stored_receipt(const storage::stored_receipt& stored,
                                          const crypto::signing_public_key& audit_key) {
    const crypto::signed_receipt& receipt = stored.receipt;
    if (receipt.public_key != audit_key) {
        throw cli_error(fmt::format("receipt {} is signed by key {}, not by this instance's "
                                    "audit key {}",
                                    crypto::hex_encode(receipt.body.id),
                                    crypto::public_key_id(receipt.public_key),
                                    crypto::public_key_id(audit_key)));
    }
    if (!crypto::signature_valid(receipt)) {
        throw cli_error(fmt::format("receipt {}: the signature does not verify",
                                    crypto::hex_encode(receipt.body.id)));
    }
    const auto probes = crypto::decode_fingerprints(stored.fingerprints);
    if (!probes || crypto::hash(stored.fingerprints) != receipt.body.fingerprints_digest) {
        throw cli_error(fmt::format("receipt {}: the stored fingerprints do not match the "
                                    "digest the receipt signs",
                                    crypto::hex_encode(receipt.body.id)));
    }
    return *probes;
}

crypto::absence_report scan_database(const std::filesystem::path& database,
                                     const crypto::secret_bytes& key,
                                     const crypto::fingerprints& probes) {
    crypto::sqlcipher_page_reader reader = crypto::sqlcipher_page_reader::open(database, key);
    const crypto::fingerprint_set matcher(probes);
    return crypto::scan_for_needles(reader, matcher);
}

void print_absence_report(std::ostream& out, const std::filesystem::path& database,
                          const crypto::absence_report& report) {
    out << fmt::format("database: {}\n", database.string());
    out << fmt::format("pages scanned: {}\n", report.pages_scanned);
    out << fmt::format("free-list pages: {}\n",
                       report.free_pages.trunk_pages.size() + report.free_pages.leaf_pages.size());
    out << fmt::format("raw bytes scanned: {}\n", report.raw_bytes_scanned);
    out << fmt::format("pages failing HMAC: {}\n", report.hmac_failures.size());
    out << fmt::format("layout problems: {}\n", report.layout_problems.size());
    for (std::size_t needle = 0; needle < report.findings.size(); ++needle) {
        const crypto::needle_findings& findings = report.findings[needle];
        for (const crypto::needle_location& location : findings.locations) {
            out << fmt::format("found: needle={} needle_offset={} {}\n", needle,
                               location.needle_offset, describe(location));
        }
        if (findings.match_count > findings.locations.size()) {
            out << fmt::format("found: needle={} and {} more matches\n", needle,
                               findings.match_count - findings.locations.size());
        }
    }
}

} // namespace skrynka::app::cli
