#include "src/net/line_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using skrynka::net::line;
using skrynka::net::line_reader;

namespace {

struct collected {
    std::string text;
    bool too_long;
    bool crlf;
    bool bare_cr;
    std::size_t size;
};

std::vector<collected> read_all(line_reader& reader, std::string_view input) {
    std::vector<collected> lines;
    while (auto next = reader.next(input)) {
        lines.push_back(
            {std::string(next->text), next->too_long, next->crlf, next->bare_cr, next->size});
    }
    REQUIRE(input.empty());
    return lines;
}

} // namespace

TEST_CASE("line reader splits CRLF lines", "[net][line_reader]") {
    line_reader reader(100);
    const auto lines = read_all(reader, "EHLO a\r\nNOOP\r\n");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].text == "EHLO a");
    CHECK(lines[0].crlf);
    CHECK_FALSE(lines[0].bare_cr);
    CHECK(lines[0].size == 8);
    CHECK(lines[1].text == "NOOP");
}

TEST_CASE("line reader reports bare LF and bare CR", "[net][line_reader]") {
    line_reader reader(100);
    const auto lines = read_all(reader, "a\nb\rc\r\n\r\r\n");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text == "a");
    CHECK_FALSE(lines[0].crlf);
    CHECK(lines[1].text == "b\rc");
    CHECK(lines[1].crlf);
    CHECK(lines[1].bare_cr);
    CHECK(lines[2].text == "\r");
    CHECK(lines[2].bare_cr);
}

TEST_CASE("line reader keeps a partial line until its LF", "[net][line_reader]") {
    line_reader reader(100);
    std::string_view first = "MAIL FR";
    CHECK_FALSE(reader.next(first));
    CHECK(reader.buffered() == 7);
    std::string_view second = "OM:<>\r\nRC";
    const auto line = reader.next(second);
    REQUIRE(line);
    CHECK(line->text == "MAIL FROM:<>");
    CHECK(second == "RC");
}

TEST_CASE("line reader accepts a line of exactly the limit", "[net][line_reader]") {
    line_reader reader(10);
    const auto lines = read_all(reader, "12345678\r\n");
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(lines[0].too_long);
    CHECK(lines[0].text == "12345678");
}

TEST_CASE("line reader discards an overlong line without buffering it", "[net][line_reader]") {
    line_reader reader(10);
    std::string_view input = "123456789\r\nnext\r\n";
    const auto first = reader.next(input);
    REQUIRE(first);
    CHECK(first->too_long);
    CHECK(first->text.empty());
    CHECK(first->crlf);
    CHECK(first->size == 11);
    const auto second = reader.next(input);
    REQUIRE(second);
    CHECK_FALSE(second->too_long);
    CHECK(second->text == "next");
}

TEST_CASE("line reader never holds more than the limit", "[net][line_reader]") {
    line_reader reader(16);
    const std::string chunk(1000, 'x');
    for (int i = 0; i < 100; ++i) {
        std::string_view input = chunk;
        CHECK_FALSE(reader.next(input));
        CHECK(reader.buffered() <= 16);
    }
    std::string_view end = "\n";
    const auto line = reader.next(end);
    REQUIRE(line);
    CHECK(line->too_long);
    CHECK_FALSE(line->crlf);
    CHECK(line->size == 100001);
}

TEST_CASE("line reader sees a bare CR inside a discarded line", "[net][line_reader]") {
    line_reader reader(8);
    std::string_view input = "abcdefgh\rij\r\n";
    const auto line = reader.next(input);
    REQUIRE(line);
    CHECK(line->too_long);
    CHECK(line->bare_cr);
    CHECK(line->crlf);
}

TEST_CASE("line reader gives the same lines for every split", "[net][line_reader]") {
    const std::string input =
        "EHLO x\r\nbare\nlf\r\n" + std::string(40, 'y') + "\r\ncr\rin\r\n.\r\n";
    line_reader whole_reader(20);
    const auto expected = read_all(whole_reader, input);
    for (std::size_t split = 0; split <= input.size(); ++split) {
        line_reader reader(20);
        auto lines = read_all(reader, std::string_view(input).substr(0, split));
        const auto rest = read_all(reader, std::string_view(input).substr(split));
        lines.insert(lines.end(), rest.begin(), rest.end());
        REQUIRE(lines.size() == expected.size());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            CHECK(lines[i].text == expected[i].text);
            CHECK(lines[i].too_long == expected[i].too_long);
            CHECK(lines[i].crlf == expected[i].crlf);
            CHECK(lines[i].bare_cr == expected[i].bare_cr);
            CHECK(lines[i].size == expected[i].size);
        }
    }
}

TEST_CASE("line reader clear drops the partial line", "[net][line_reader]") {
    line_reader reader(100);
    std::string_view input = "MAIL FROM:<attacker";
    CHECK_FALSE(reader.next(input));
    reader.clear();
    std::string_view next = "EHLO a\r\n";
    const auto line = reader.next(next);
    REQUIRE(line);
    CHECK(line->text == "EHLO a");
}
