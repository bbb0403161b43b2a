#include "crypto/error.hpp"
#include "crypto/passphrase_stream.hpp"
#include "test_bytes.hpp"

#include <catch2/catch.hpp>
#include <functional>

using namespace skrynka::crypto;
using skrynka::crypto::testing::bytes_of;
using skrynka::crypto::testing::pattern;

namespace {

secret_bytes passphrase_of(std::string_view text) {
    initialize();
    return secret_bytes::copy_of(text);
}

errc error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const crypto_error& error) {
        return static_cast<errc>(error.code().value());
    }
    FAIL("no crypto_error thrown");
    return errc::invalid_argument;
}

std::span<const unsigned char> ciphertext_of(const std::vector<unsigned char>& frame) {
    return std::span<const unsigned char>(frame).subspan(4);
}

void store_u64(std::span<unsigned char> at, std::uint64_t value) {
    for (std::size_t i = 0; i < 8; ++i) {
        at[i] = static_cast<unsigned char>(value >> (8 * i));
    }
}

} // namespace

TEST_CASE("passphrase stream round trip", "[crypto][passphrase_stream]") {
    const secret_bytes passphrase = passphrase_of("correct horse");
    passphrase_stream_writer writer(passphrase, test_argon2_params());
    const auto first = writer.seal(bytes_of("first"), false);
    const auto last = writer.seal(pattern(passphrase_stream_max_message), true);

    passphrase_stream_reader reader(writer.header(), passphrase);
    const std::array<unsigned char, 4> length{first[0], first[1], first[2], first[3]};
    REQUIRE(passphrase_stream_reader::frame_size(length) == first.size() - 4);
    const auto opened_first = reader.open(ciphertext_of(first));
    REQUIRE(opened_first.plaintext == bytes_of("first"));
    REQUIRE_FALSE(opened_first.final);
    const auto opened_last = reader.open(ciphertext_of(last));
    REQUIRE(opened_last.plaintext == pattern(passphrase_stream_max_message));
    REQUIRE(opened_last.final);
    REQUIRE(error_of([&] { reader.open(ciphertext_of(first)); }) == errc::invalid_argument);
}

TEST_CASE("passphrase stream rejects reordered messages", "[crypto][passphrase_stream]") {
    const secret_bytes passphrase = passphrase_of("correct horse");
    passphrase_stream_writer writer(passphrase, test_argon2_params());
    const auto first = writer.seal(bytes_of("one"), false);
    const auto second = writer.seal(bytes_of("two"), false);

    passphrase_stream_reader reader(writer.header(), passphrase);
    REQUIRE(error_of([&] { reader.open(ciphertext_of(second)); }) == errc::authentication_failed);
}

TEST_CASE("passphrase stream checks header parameters", "[crypto][passphrase_stream]") {
    const secret_bytes passphrase = passphrase_of("correct horse");
    passphrase_stream_writer writer(passphrase, test_argon2_params());
    auto header = writer.header();

    auto too_much_memory = header;
    store_u64(std::span(too_much_memory).subspan(24, 8), argon2_max_mem_limit_bytes + 1);
    REQUIRE(error_of([&] { passphrase_stream_reader(too_much_memory, passphrase); }) ==
            errc::invalid_format);

    auto no_passes = header;
    store_u64(std::span(no_passes).subspan(16, 8), 0);
    REQUIRE(error_of([&] { passphrase_stream_reader(no_passes, passphrase); }) ==
            errc::invalid_format);

    auto other_magic = header;
    other_magic[15] = 2;
    REQUIRE(error_of([&] { passphrase_stream_reader(other_magic, passphrase); }) ==
            errc::unsupported_version);

    REQUIRE(error_of([&] {
                passphrase_stream_reader(std::span(header).first(passphrase_stream_header_size - 1),
                                         passphrase);
            }) == errc::invalid_format);
}

TEST_CASE("passphrase stream writer checks its input", "[crypto][passphrase_stream]") {
    const secret_bytes passphrase = passphrase_of("correct horse");
    REQUIRE(error_of([&] { passphrase_stream_writer(secret_bytes(), test_argon2_params()); }) ==
            errc::invalid_argument);
    REQUIRE(error_of([&] { passphrase_stream_writer(passphrase, argon2_params{}); }) ==
            errc::invalid_argument);

    passphrase_stream_writer writer(passphrase, test_argon2_params());
    REQUIRE(error_of([&] { writer.seal(pattern(passphrase_stream_max_message + 1), false); }) ==
            errc::invalid_argument);
    writer.seal(bytes_of("end"), true);
    REQUIRE(error_of([&] { writer.seal(bytes_of("after"), false); }) == errc::invalid_argument);
}

TEST_CASE("passphrase stream frame size is bounded", "[crypto][passphrase_stream]") {
    const std::array<unsigned char, 4> empty{0, 0, 0, 0};
    const std::array<unsigned char, 4> huge{0xff, 0xff, 0xff, 0xff};
    REQUIRE(error_of([&] { passphrase_stream_reader::frame_size(empty); }) == errc::invalid_format);
    REQUIRE(error_of([&] { passphrase_stream_reader::frame_size(huge); }) == errc::invalid_format);
}
