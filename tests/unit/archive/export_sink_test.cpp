#include "crypto/error.hpp"
#include "crypto/secret.hpp"
#include "src/archive/export_sink.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace skrynka::archive;
using skrynka::crypto::secret_bytes;
namespace fs = std::filesystem;

namespace {

class scratch {
  public:
    scratch() {
        const char* root = std::getenv("SKRYNKA_TEST_TMP");
        const fs::path base = root != nullptr ? fs::path(root) : fs::temp_directory_path();
        fs::create_directories(base);
        std::random_device random;
        path_ = base / ("archive-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
        fs::create_directory(path_);
    }
    ~scratch() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    fs::path operator/(const std::string& name) const { return path_ / name; }

  private:
    fs::path path_;
};

skrynka::crypto::argon2_params fast_params() {
    skrynka::crypto::initialize();
    return skrynka::crypto::test_argon2_params();
}

std::string read_file(const fs::path& path) {
    std::ifstream input(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(input), {}};
}

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream output(path, std::ios::binary | std::ios::trunc);
    output << bytes;
}

unsigned mode_of(const fs::path& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

std::int64_t mtime_of(const fs::path& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mtime;
}

// Writes the same small tree to any sink.
void write_tree(export_sink& sink, const std::string& big) {
    sink.make_directory("cur");
    sink.make_directory(".Archive");
    sink.begin_file("cur/1.M1P1.skrynka,S=5:2,S", 1000000000);
    sink.write("hello");
    sink.end_file();
    sink.begin_file(".Archive/big", 1100000000);
    sink.write(big);
    sink.end_file();
    sink.finish();
}

void check_tree(const fs::path& root, const std::string& big) {
    REQUIRE(mode_of(root) == 0700);
    REQUIRE(mode_of(root / "cur") == 0700);
    REQUIRE(mode_of(root / "cur/1.M1P1.skrynka,S=5:2,S") == 0600);
    REQUIRE(read_file(root / "cur/1.M1P1.skrynka,S=5:2,S") == "hello");
    REQUIRE(mtime_of(root / "cur/1.M1P1.skrynka,S=5:2,S") == 1000000000);
    REQUIRE(read_file(root / ".Archive/big") == big);
    REQUIRE(mtime_of(root / ".Archive/big") == 1100000000);
}

std::string big_content() {
    std::string big;
    for (int i = 0; i < 200000; ++i) {
        big += static_cast<char>(i * 7);
    }
    return big;
}

} // namespace

TEST_CASE("directory sink writes private files", "[archive][sink]") {
    scratch dir;
    const std::string big = big_content();
    auto sink = make_directory_sink(dir / "out");
    write_tree(*sink, big);
    check_tree(dir / "out", big);
}

TEST_CASE("directory sink refuses an existing path", "[archive][sink]") {
    scratch dir;
    fs::create_directory(dir / "out");
    write_file(dir / "out" / "keep", "mine");
    REQUIRE_THROWS_WITH(make_directory_sink(dir / "out"),
                        Catch::Contains("already exists"));
    REQUIRE(read_file(dir / "out" / "keep") == "mine");
}

TEST_CASE("directory sink removes an unfinished export", "[archive][sink]") {
    scratch dir;
    {
        auto sink = make_directory_sink(dir / "out");
        sink->make_directory("cur");
        sink->begin_file("cur/x", 1);
        sink->write("partial");
    }
    REQUIRE_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("export paths must stay below the root", "[archive][sink]") {
    for (const std::string path : {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/"}) {
        INFO(path);
        REQUIRE_THROWS_AS(check_relative_path(path), std::runtime_error);
    }
    REQUIRE_NOTHROW(check_relative_path(".Archive/cur/1:2,S"));
}

TEST_CASE("encrypted export round trip", "[archive][encrypted]") {
    scratch dir;
    const std::string big = big_content();
    const secret_bytes passphrase = secret_bytes::copy_of(std::string_view("a long passphrase"));
    auto sink = make_encrypted_sink(dir / "export.skrx", passphrase, fast_params());
    write_tree(*sink, big);
    sink.reset();
    REQUIRE(mode_of(dir / "export.skrx") == 0600);
    REQUIRE(read_file(dir / "export.skrx").find("hello") == std::string::npos);

    auto output = make_directory_sink(dir / "out");
    unpack_encrypted_export(dir / "export.skrx", passphrase, *output);
    check_tree(dir / "out", big);
}

TEST_CASE("encrypted export rejects a wrong passphrase", "[archive][encrypted]") {
    scratch dir;
    auto sink = make_encrypted_sink(dir / "export.skrx",
                                    secret_bytes::copy_of(std::string_view("right one")),
                                    fast_params());
    write_tree(*sink, "x");
    sink.reset();

    {
        auto output = make_directory_sink(dir / "out");
        REQUIRE_THROWS_AS(unpack_encrypted_export(
                              dir / "export.skrx",
                              secret_bytes::copy_of(std::string_view("wrong one")), *output),
                          skrynka::crypto::crypto_error);
    }
    REQUIRE_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("encrypted export rejects every truncation and byte flip", "[archive][encrypted]") {
    scratch dir;
    const secret_bytes passphrase = secret_bytes::copy_of(std::string_view("passphrase"));
    auto sink = make_encrypted_sink(dir / "export.skrx", passphrase, fast_params());
    write_tree(*sink, "tiny");
    sink.reset();
    const std::string original = read_file(dir / "export.skrx");

    auto rejects = [&](const std::string& bytes) {
        write_file(dir / "changed.skrx", bytes);
        auto output = make_directory_sink(dir / "out");
        bool failed = false;
        try {
            unpack_encrypted_export(dir / "changed.skrx", passphrase, *output);
        } catch (const std::exception&) {
            failed = true;
        }
        output.reset();
        std::error_code ignored;
        fs::remove_all(dir / "out", ignored);
        return failed;
    };

    for (std::size_t size = 0; size < original.size(); ++size) {
        INFO("truncated to " << size);
        REQUIRE(rejects(original.substr(0, size)));
    }
    for (std::size_t position = 16; position < original.size(); position += 7) {
        INFO("byte flipped at " << position);
        std::string changed = original;
        changed[position] = static_cast<char>(changed[position] ^ 0x01);
        REQUIRE(rejects(changed));
    }
    REQUIRE(rejects(original + "x"));
    REQUIRE_FALSE(rejects(original));
}
