#include "src/cli/backup_manifest.hpp"

#include "crypto/encoding.hpp"
#include "src/cli/cli_error.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <sstream>

namespace skrynka::app::cli {

namespace {

constexpr std::string_view header = "skrynka-backup 1";

[[noreturn]] void fail_at(std::size_t line_number, std::string_view reason) {
    throw cli_error(fmt::format("backup manifest line {}: {}", line_number, reason));
}

// Accepts "directory.db" and "mailboxes/<digits>.db" only: no "..", no absolute path.
bool is_allowed_path(std::string_view path) {
    if (path == "directory.db") {
        return true;
    }
    constexpr std::string_view prefix = "mailboxes/";
    constexpr std::string_view suffix = ".db";
    if (!path.starts_with(prefix) || !path.ends_with(suffix)) {
        return false;
    }
    const std::string_view id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    return !id.empty() && id.size() <= 19 &&
           std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <std::size_t size>
bool decode_hex_into(std::string_view hex, std::array<unsigned char, size>& out) {
    auto bytes = crypto::hex_decode(hex);
    if (!bytes || bytes->size() != size) {
        return false;
    }
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return true;
}

backup_file parse_file_line(std::string_view rest, std::size_t line_number) {
    // <digest> <size> <path>; the path is last, so it may not contain a space either.
    const auto first = rest.find(' ');
    const auto second = first == std::string_view::npos ? first : rest.find(' ', first + 1);
    if (second == std::string_view::npos) {
        fail_at(line_number, "expected 'file DIGEST SIZE PATH'");
    }
    backup_file file;
    if (!decode_hex_into(rest.substr(0, first), file.digest.blake2b)) {
        fail_at(line_number, "the digest is not 64 hex digits");
    }
    const std::string_view size_text = rest.substr(first + 1, second - first - 1);
    auto [end, error] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), file.digest.size);
    if (error != std::errc() || end != size_text.data() + size_text.size()) {
        fail_at(line_number, "the size is not a number");
    }
    file.path = std::string(rest.substr(second + 1));
    if (!is_allowed_path(file.path)) {
        fail_at(line_number, "the path must be directory.db or mailboxes/<number>.db");
    }
    return file;
}

} // namespace

std::string render_manifest(const backup_manifest& manifest) {
    std::string text = fmt::format("{}\ncreated {}\naudit-key {}\n", header, manifest.created,
                                   crypto::hex_encode(manifest.audit_key));
    for (const backup_file& file : manifest.files) {
        text += fmt::format("file {} {} {}\n", crypto::hex_encode(file.digest.blake2b),
                            file.digest.size, file.path);
    }
    return text;
}

backup_manifest parse_manifest(std::string_view text) {
    backup_manifest manifest;
    bool has_created = false;
    bool has_key = false;
    std::size_t line_number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos) {
            fail_at(line_number + 1, "the last line has no line break (truncated?)");
        }
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end + 1);
        ++line_number;

        if (line_number == 1) {
            if (line != header) {
                fail_at(1, fmt::format("expected '{}'", header));
            }
        } else if (line.starts_with("created ") && !has_created) {
            manifest.created = std::string(line.substr(8));
            has_created = true;
        } else if (line.starts_with("audit-key ") && !has_key) {
            if (!decode_hex_into(line.substr(10), manifest.audit_key)) {
                fail_at(line_number, "the audit key is not 64 hex digits");
            }
            has_key = true;
        } else if (line.starts_with("file ")) {
            backup_file file = parse_file_line(line.substr(5), line_number);
            const bool listed = std::any_of(manifest.files.begin(), manifest.files.end(),
                                            [&](const backup_file& other) { return other.path == file.path; });
            if (listed) {
                fail_at(line_number, fmt::format("{} is listed twice", file.path));
            }
            manifest.files.push_back(std::move(file));
        } else {
            fail_at(line_number, "unexpected line");
        }
    }
    if (line_number == 0 || !has_created || !has_key) {
        throw cli_error("backup manifest: the header, created or audit-key line is missing");
    }
    const bool has_directory = std::any_of(manifest.files.begin(), manifest.files.end(),
                                           [](const backup_file& file) { return file.path == "directory.db"; });
    if (!has_directory) {
        throw cli_error("backup manifest: directory.db is not listed");
    }
    return manifest;
}

} // namespace skrynka::app::cli
