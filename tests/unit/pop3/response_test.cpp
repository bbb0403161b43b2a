// POP3 response lines and multi-line byte-stuffing, including every split of the input.
#include "src/pop3/response.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::pop3;

namespace {

std::string stuff(std::string_view content) {
    dot_stuffer stuffer;
    std::string out;
    stuffer.append(content, out);
    stuffer.finish(out);
    return out;
}

std::string top(std::string_view content, std::uint64_t lines) {
    dot_stuffer stuffer(lines);
    std::string out;
    stuffer.append(content, out);
    stuffer.finish(out);
    return out;
}

const std::string dots = "Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n";

} // namespace

TEST_CASE("response lines with and without codes") {
    CHECK(format_ok("") == "+OK\r\n");
    CHECK(format_ok("2 320") == "+OK 2 320\r\n");
    CHECK(format_err("", "No such message") == "-ERR No such message\r\n");
    CHECK(format_err("IN-USE", "locked") == "-ERR [IN-USE] locked\r\n");
}

TEST_CASE("stuffer doubles leading dots only") {
    CHECK(stuff(dots) == "Subject: dots\r\n\r\n..first\r\n..\r\n...two\r\nend\r\n.\r\n");
    CHECK(stuff(".\r\n") == "..\r\n.\r\n");
    CHECK(stuff("a.b\r\n .c\r\n") == "a.b\r\n .c\r\n.\r\n");
}

TEST_CASE("stuffer on an empty message") {
    CHECK(stuff("") == ".\r\n");
}

TEST_CASE("stuffer adds a line break before the terminator") {
    CHECK(stuff("Subject: x\r\n\r\nno break") == "Subject: x\r\n\r\nno break\r\n.\r\n");
    CHECK(stuff("x\r") == "x\r\r\n.\r\n");
}

TEST_CASE("stuffer treats bare LF as a line end") {
    CHECK(stuff("a\n.b\n") == "a\n..b\n.\r\n");
}

TEST_CASE("stuffer output is the same for every split") {
    const std::string expected = stuff(dots);
    for (std::size_t first = 0; first <= dots.size(); ++first) {
        for (std::size_t second = first; second <= dots.size(); ++second) {
            dot_stuffer stuffer;
            std::string out;
            stuffer.append(std::string_view(dots).substr(0, first), out);
            stuffer.append(std::string_view(dots).substr(first, second - first), out);
            stuffer.append(std::string_view(dots).substr(second), out);
            stuffer.finish(out);
            REQUIRE(out == expected);
        }
    }
}

TEST_CASE("top sends header and n body lines") {
    CHECK(top(dots, 0) == "Subject: dots\r\n\r\n.\r\n");
    CHECK(top(dots, 2) == "Subject: dots\r\n\r\n..first\r\n..\r\n.\r\n");
    CHECK(top(dots, 4) == stuff(dots));
    CHECK(top(dots, 100) == stuff(dots));
}

TEST_CASE("top without a header end sends the whole message") {
    CHECK(top("A: 1\r\nB: 2\r\n", 0) == "A: 1\r\nB: 2\r\n.\r\n");
}

TEST_CASE("top output is the same for every split") {
    for (std::uint64_t lines = 0; lines < 6; ++lines) {
        const std::string expected = top(dots, lines);
        for (std::size_t split = 0; split <= dots.size(); ++split) {
            dot_stuffer stuffer(lines);
            std::string out;
            stuffer.append(std::string_view(dots).substr(0, split), out);
            if (!stuffer.done()) {
                stuffer.append(std::string_view(dots).substr(split), out);
            }
            stuffer.finish(out);
            REQUIRE(out == expected);
        }
    }
}
