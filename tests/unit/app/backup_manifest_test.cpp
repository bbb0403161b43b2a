#include "src/cli/backup_manifest.hpp"
#include "src/cli/cli_error.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::app::cli;

namespace {

backup_manifest sample_manifest() {
    backup_manifest manifest;
    manifest.created = "2026-12-05T00:40:00.000Z";
    manifest.audit_key.fill(0xab);
    backup_file directory{"directory.db", {}};
    directory.digest.blake2b.fill(0x01);
    directory.digest.size = 73728;
    backup_file mailbox{"mailboxes/12.db", {}};
    mailbox.digest.blake2b.fill(0x02);
    mailbox.digest.size = 4096;
    manifest.files = {directory, mailbox};
    return manifest;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("backup manifest round trip", "[backup]") {
    const backup_manifest manifest = sample_manifest();
    const std::string text = render_manifest(manifest);
    const backup_manifest parsed = parse_manifest(text);
    CHECK(parsed.created == manifest.created);
    CHECK(parsed.audit_key == manifest.audit_key);
    REQUIRE(parsed.files.size() == 2);
    CHECK(parsed.files[1].path == "mailboxes/12.db");
    CHECK(parsed.files[1].digest.size == 4096);
    CHECK(parsed.files[1].digest.blake2b == manifest.files[1].digest.blake2b);
    CHECK(render_manifest(parsed) == text);
}

TEST_CASE("backup manifest truncated anywhere", "[backup]") {
    // A cut inside a line or before the directory line is rejected. A cut at a line
    // break after the directory line parses with fewer files: the parser cannot tell,
    // and the signature over the exact bytes is what rejects it in restore.
    const std::string text = render_manifest(sample_manifest());
    const std::size_t directory_line_end = text.find("directory.db\n") + 13;
    for (std::size_t length = 0; length < text.size(); ++length) {
        INFO("length " << length);
        const std::string cut = text.substr(0, length);
        if (length >= directory_line_end && text[length - 1] == '\n') {
            CHECK(parse_manifest(cut).files.size() < 2);
        } else {
            CHECK_THROWS_AS(parse_manifest(cut), cli_error);
        }
    }
}

TEST_CASE("backup manifest rejects paths outside the layout", "[backup]") {
    const std::string text = render_manifest(sample_manifest());
    for (const std::string path :
         {"../directory.db", "/etc/passwd", "mailboxes/../../x.db", "mailboxes/.db",
          "mailboxes/1.db.tmp", "mailboxes/a1.db", "keys/storage.key", "directory.db2"}) {
        INFO(path);
        CHECK_THROWS_AS(parse_manifest(replace_once(text, "mailboxes/12.db", path)), cli_error);
    }
}

TEST_CASE("backup manifest rejects malformed fields", "[backup]") {
    const std::string text = render_manifest(sample_manifest());
    CHECK_THROWS_AS(parse_manifest(replace_once(text, "skrynka-backup 1", "skrynka-backup 2")),
                    cli_error);
    CHECK_THROWS_AS(parse_manifest(replace_once(text, " 4096 ", " 40x6 ")), cli_error);
    CHECK_THROWS_AS(parse_manifest(replace_once(text, " 4096 ", " -4096 ")), cli_error);
    CHECK_THROWS_AS(parse_manifest(replace_once(text, "file 0202", "file 02")), cli_error);
    CHECK_THROWS_AS(parse_manifest(replace_once(text, "audit-key ab", "audit-key zzab")),
                    cli_error);
    CHECK_THROWS_AS(parse_manifest(replace_once(text, "mailboxes/12.db", "directory.db")),
                    cli_error);
    CHECK_THROWS_AS(parse_manifest(text + "unknown line\n"), cli_error);
}

TEST_CASE("backup manifest requires directory database", "[backup]") {
    backup_manifest manifest = sample_manifest();
    manifest.files.erase(manifest.files.begin());
    CHECK_THROWS_AS(parse_manifest(render_manifest(manifest)), cli_error);
}
