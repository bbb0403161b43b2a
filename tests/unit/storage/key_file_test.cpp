#include "storage/error.hpp"
#include "storage/key_file.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <sys/stat.h>

using namespace skrynka::storage;
using skrynka::storage::test::temp_dir;

namespace {

// Runs action and returns the storage error it throws, with its message.
std::pair<errc, std::string> failure_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const storage_error& error) {
        return {static_cast<errc>(error.code().value()), error.what()};
    }
    FAIL("no storage_error thrown");
    return {errc::internal, ""};
}

mode_t mode_of(const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

} // namespace

TEST_CASE("key file is written with mode 0600", "[storage][key_file]") {
    temp_dir dir;
    const auto path = dir / "storage.key";
    auto written = write_storage_key(path);
    REQUIRE(written.size() == 32);
    REQUIRE(mode_of(path) == 0600);
    REQUIRE(std::filesystem::file_size(path) == 32);

    auto read = read_storage_key(path);
    REQUIRE(read.equals(written.bytes()));
}

TEST_CASE("key file is never overwritten", "[storage][key_file]") {
    temp_dir dir;
    const auto path = dir / "storage.key";
    write_storage_key(path);
    const auto before = test::read_bytes(path);

    auto [value, message] = failure_of([&] { write_storage_key(path); });
    REQUIRE(value == errc::already_exists);
    REQUIRE(message.find(path.string()) != std::string::npos);
    REQUIRE(test::read_bytes(path) == before);
}

TEST_CASE("world-readable key file is rejected", "[storage][key_file]") {
    temp_dir dir;
    const auto path = dir / "storage.key";
    write_storage_key(path);
    for (mode_t mode : {0644, 0640, 0604, 0620, 0602}) {
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        auto [value, message] = failure_of([&] { read_storage_key(path); });
        REQUIRE(value == errc::insecure_permissions);
        REQUIRE(message.find(path.string()) != std::string::npos);
        char expected[8];
        std::snprintf(expected, sizeof expected, "%04o", static_cast<unsigned>(mode));
        REQUIRE(message.find(expected) != std::string::npos);
    }
    REQUIRE(::chmod(path.c_str(), 0400) == 0);
    REQUIRE(read_storage_key(path).size() == 32);
}

TEST_CASE("key file of wrong length is corrupt", "[storage][key_file]") {
    temp_dir dir;
    const auto path = dir / "storage.key";
    for (std::size_t size : {0, 1, 31, 33, 64}) {
        std::filesystem::remove(path);
        test::write_bytes(path, std::vector<unsigned char>(size, 0x41));
        REQUIRE(::chmod(path.c_str(), 0600) == 0);
        REQUIRE(failure_of([&] { read_storage_key(path); }).first == errc::corrupt);
    }
}

TEST_CASE("missing key file is not_found", "[storage][key_file]") {
    temp_dir dir;
    auto [value, message] = failure_of([&] { read_storage_key(dir / "none.key"); });
    REQUIRE(value == errc::not_found);
    REQUIRE(message.find("none.key") != std::string::npos);
}

TEST_CASE("key file symlink is not followed", "[storage][key_file]") {
    temp_dir dir;
    write_storage_key(dir / "real.key");
    std::filesystem::create_symlink(dir / "real.key", dir / "link.key");
    REQUIRE(failure_of([&] { read_storage_key(dir / "link.key"); }).first == errc::io_error);
    REQUIRE(failure_of([&] { write_storage_key(dir / "link.key"); }).first == errc::already_exists);
}
