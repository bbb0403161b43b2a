#include "src/imap/command_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka::imap;

namespace {

struct recorded {
    frame_kind kind;
    std::string text;
    std::uint64_t size = 0;
};

// Feeds input in pieces of split octets and records every frame.
std::vector<recorded> read_all(command_reader& reader, std::string_view input,
                               std::size_t split = 0) {
    std::vector<recorded> frames;
    if (split == 0) {
        split = input.size() == 0 ? 1 : input.size();
    }
    while (!input.empty()) {
        std::string_view piece = input.substr(0, split);
        input.remove_prefix(piece.size());
        while (auto item = reader.next(piece)) {
            frames.push_back({item->kind, std::string(item->text), item->literal_size});
        }
    }
    return frames;
}

command_reader make_reader(std::uint64_t literal_limit = 100) {
    return command_reader(64, [literal_limit](std::string_view) { return literal_limit; });
}

} // namespace

TEST_CASE("command reader frames lines and literals", "[imap][reader]") {
    const std::string input = "a NOOP\r\nb LOGIN {5}\r\nalice {6+}\r\nsecret\r\nc LOGOUT\n";
    for (std::size_t split = 1; split <= input.size(); ++split) {
        INFO("split " << split);
        command_reader reader = make_reader();
        const auto frames = read_all(reader, input, split);
        REQUIRE(frames.size() == 4);
        CHECK(frames[0].kind == frame_kind::command);
        CHECK(frames[0].text == "a NOOP");
        CHECK(frames[1].kind == frame_kind::continue_literal);
        CHECK(frames[2].kind == frame_kind::command);
        CHECK(frames[2].text == "b LOGIN {5}\r\nalice {6+}\r\nsecret");
        CHECK(frames[3].text == "c LOGOUT");
    }
}

TEST_CASE("command reader refuses oversized literal before reading it", "[imap][reader]") {
    command_reader reader = make_reader(1000);
    auto frames = read_all(reader, "a1 LOGIN {400000000}\r\na2 NOOP\r\n");
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].kind == frame_kind::literal_too_large);
    CHECK(frames[0].size == 400000000);
    CHECK(frames[0].text == "a1 LOGIN {400000000}");
    CHECK(frames[1].text == "a2 NOOP");
    CHECK_FALSE(reader.failed());
}

TEST_CASE("command reader counts literals of one command together", "[imap][reader]") {
    command_reader reader = make_reader(10);
    auto frames = read_all(reader, "a X {6}\r\n123456 {6}\r\n");
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].kind == frame_kind::continue_literal);
    CHECK(frames[1].kind == frame_kind::literal_too_large);
}

TEST_CASE("command reader fails on refused non-synchronizing literal", "[imap][reader]") {
    command_reader reader = make_reader(10);
    auto frames = read_all(reader, "a APPEND INBOX {5000000000+}\r\nxxxx\r\nb NOOP\r\n");
    // 5000000000 is above 32 bits, so it is not even a valid size.
    REQUIRE(frames.size() >= 1);
    CHECK(frames[0].kind == frame_kind::bad_literal);

    command_reader strict = make_reader(10);
    frames = read_all(strict, "a APPEND INBOX {50+}\r\nxxxx\r\nb NOOP\r\n");
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].kind == frame_kind::literal_too_large);
    CHECK(strict.failed());
}

TEST_CASE("command reader rejects malformed literal sizes", "[imap][reader]") {
    for (const char* line :
         {"a LOGIN {-1}\r\n", "a LOGIN {}\r\n", "a LOGIN {99999999999999999999}\r\n",
          "a LOGIN {1x}\r\n", "a SEARCH {-100}\r\n", "a LOGIN {+}\r\n"}) {
        INFO(line);
        command_reader reader = make_reader();
        const auto frames = read_all(reader, line);
        REQUIRE(frames.size() == 1);
        CHECK(frames[0].kind == frame_kind::bad_literal);
    }
    command_reader reader = make_reader();
    const auto frames = read_all(reader, "a CREATE foo}\r\n");
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].kind == frame_kind::command);
}

TEST_CASE("command reader skips overlong line", "[imap][reader]") {
    command_reader reader = make_reader();
    const std::string input = "a1 NOOP " + std::string(200, 'x') + "\r\na2 NOOP\r\n";
    const auto frames = read_all(reader, input, 7);
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].kind == frame_kind::line_too_long);
    CHECK(frames[1].kind == frame_kind::command);
    CHECK(frames[1].text == "a2 NOOP");
}

TEST_CASE("command reader bounds lines after a literal", "[imap][reader]") {
    command_reader reader = make_reader();
    const std::string input = "a1 X {2}\r\nab " + std::string(60, 'y') + "\r\na2 NOOP\r\n";
    const auto frames = read_all(reader, input);
    REQUIRE(frames.size() == 3);
    CHECK(frames[1].kind == frame_kind::line_too_long);
    CHECK(frames[2].text == "a2 NOOP");
}

TEST_CASE("command reader handles empty literal", "[imap][reader]") {
    command_reader reader = make_reader();
    const auto frames = read_all(reader, "a LOGIN {0}\r\n {0+}\r\n\r\n");
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].kind == frame_kind::continue_literal);
    CHECK(frames[1].text == "a LOGIN {0}\r\n {0+}\r\n");
}
