// Real-world messages: the samples that ship with CPython's email package tests
// (Debian package libpython3.11-testsuite). Most use bare LF line endings.
#include "src/mime/serialize.hpp"
#include "src/mime/summarize.hpp"
#include "tests/unit/mime/mime_test_support.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace skrynka::mime;
namespace fs = std::filesystem;

namespace {

fs::path samples_folder() {
    if (const char* overridden = std::getenv("SKRYNKA_PYTHON_EMAIL_SAMPLES")) {
        return overridden;
    }
    return "/usr/lib/python3.11/test/test_email/data";
}

std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

// Checks that part and its descendants lie inside [begin, end) and add up.
void check_ranges(const body_part& part, std::uint64_t begin, std::uint64_t end) {
    CHECK(part.header_offset_ >= begin);
    CHECK(part.header_offset_ + part.header_length_ == part.body_offset_);
    CHECK(part.body_offset_ + part.body_length_ <= end);

    std::uint64_t previous_end = part.body_offset_;
    for (const body_part& child : part.children_) {
        CHECK(child.header_offset_ >= previous_end);
        check_ranges(child, part.body_offset_, part.body_offset_ + part.body_length_);
        previous_end = child.body_offset_ + child.body_length_;
    }
    if (part.is_message()) {
        REQUIRE(part.children_.size() == 1);
        CHECK(part.children_[0].header_offset_ == part.body_offset_);
        CHECK(part.children_[0].header_length_ + part.children_[0].body_length_ ==
              part.body_length_);
    }
}

std::map<std::string, std::string> load_samples() {
    const fs::path folder = samples_folder();
    if (!fs::is_directory(folder)) {
        FAIL("sample folder not found: " << folder.string()
                                         << " (install libpython3.11-testsuite, or set "
                                            "SKRYNKA_PYTHON_EMAIL_SAMPLES)");
    }
    std::map<std::string, std::string> samples;
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with("msg_") && name.ends_with(".txt")) {
            samples[name] = read_file(entry.path());
        }
    }
    return samples;
}

} // namespace

TEST_CASE("python samples keep parser invariants", "[mime][samples]") {
    const std::map<std::string, std::string> samples = load_samples();
    REQUIRE(samples.size() >= 40);

    for (const auto& [name, raw] : samples) {
        INFO(name);
        const message_summary summary = summarize(raw);
        CHECK(summary.size_ == raw.size());
        CHECK(summary.body_.header_offset_ == 0);
        CHECK(summary.body_.header_length_ + summary.body_.body_length_ == raw.size());
        check_ranges(summary.body_, 0, raw.size());

        const std::optional<message_summary> decoded = deserialize(serialize(summary));
        REQUIRE(decoded.has_value());
        CHECK(*decoded == summary);
    }
}

TEST_CASE("python samples have the expected part counts", "[mime][samples]") {
    const std::map<std::string, std::string> samples = load_samples();

    // Top-level children as Python 3.11's email package reports them:
    // len(email.message_from_binary_file(f).get_payload()).
    const std::map<std::string, std::size_t> expected = {
        {"msg_02.txt", 4}, {"msg_05.txt", 3}, {"msg_07.txt", 2}, {"msg_10.txt", 5},
        {"msg_13.txt", 2}, {"msg_16.txt", 3}, {"msg_22.txt", 4}, {"msg_28.txt", 2},
        {"msg_37.txt", 3}, {"msg_38.txt", 3}, {"msg_43.txt", 3}, {"msg_45.txt", 2},
    };
    for (const auto& [name, children] : expected) {
        INFO(name);
        REQUIRE(samples.contains(name));
        const message_summary summary = summarize(samples.at(name));
        CHECK(summary.body_.is_multipart());
        CHECK(summary.body_.children_.size() == children);
    }
}

TEST_CASE("python samples without usable parts are text", "[mime][samples]") {
    const std::map<std::string, std::string> samples = load_samples();

    // msg_25 and msg_41 declare a multipart without a boundary; msg_17 has a boundary
    // that never occurs. Python keeps them as multiparts with no children, which IMAP
    // cannot express, so the summary makes them text/plain.
    for (const char* name : {"msg_17.txt", "msg_25.txt", "msg_41.txt"}) {
        INFO(name);
        REQUIRE(samples.contains(name));
        const message_summary summary = summarize(samples.at(name));
        CHECK(summary.body_.type_ == "text");
        CHECK(summary.body_.subtype_ == "plain");
        CHECK(summary.body_.children_.empty());
    }
}

TEST_CASE("python sample with nested message parses", "[mime][samples]") {
    const std::map<std::string, std::string> samples = load_samples();
    REQUIRE(samples.contains("msg_46.txt"));
    const std::string& raw = samples.at("msg_46.txt");
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.is_message());
    REQUIRE(summary.body_.children_.size() == 1);
    REQUIRE(summary.body_.envelope_.has_value());
}
