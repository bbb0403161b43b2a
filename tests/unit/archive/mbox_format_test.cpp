#include "src/archive/mbox_format.hpp"
#include "src/archive/mbox_reader.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace skrynka::archive;
namespace flag = skrynka::storage::flag;

namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream input(std::string(SKRYNKA_SOURCE_DIR) + "/tests/data/mime/" + name,
                        std::ios::binary);
    REQUIRE(input);
    return {std::istreambuf_iterator<char>(input), {}};
}

std::vector<mbox_message> read_all(const std::string& file, std::uint64_t limit = 1 << 20) {
    std::istringstream input(file);
    mbox_reader reader(input, limit);
    std::vector<mbox_message> messages;
    while (auto message = reader.next()) {
        messages.push_back(std::move(*message));
    }
    return messages;
}

} // namespace

TEST_CASE("mbox quoting of FX-MBOX is byte-exact", "[archive][mbox]") {
    const std::string message = read_fixture("mbox.eml");
    REQUIRE(message.size() == 142);

    std::string quoted;
    append_quoted(quoted, message);
    const std::string expected = "From: alice@example.org\r\n"
                                 "To: alice@example.org\r\n"
                                 "Subject: mbox quoting\r\n"
                                 "\r\n"
                                 ">From here on\r\n"
                                 ">>From quoted once\r\n"
                                 ">>>From quoted twice\r\n"
                                 "Fromage\r\n"
                                 "From\r\n";
    REQUIRE(quoted == expected);
    REQUIRE(unquote(quoted) == message);
}

TEST_CASE("mbox entry of FX-MBOX reads back exactly", "[archive][mbox]") {
    const std::string message = read_fixture("mbox.eml");
    const message_flags flags{flag::seen | flag::flagged, {"$Work"}};
    const std::string file = mbox_entry(message, flags, 760000000) + mbox_entry(message, {}, 0);

    const auto messages = read_all(file);
    REQUIRE(messages.size() == 2);
    const status_result status = read_status_headers(messages[0].bytes);
    REQUIRE(messages[0].bytes.substr(status.prefix_size) == message);
    REQUIRE(status.flags.flags == (flag::seen | flag::flagged));
    REQUIRE(status.flags.keywords == std::vector<std::string>{"$Work"});
    REQUIRE(parse_from_line_date(messages[0].separator) == 760000000);

    const status_result second = read_status_headers(messages[1].bytes);
    REQUIRE(messages[1].bytes.substr(second.prefix_size) == message);
    REQUIRE(second.flags.flags == 0);
}

TEST_CASE("mbox entry keeps a message without a final line break", "[archive][mbox]") {
    const std::string message = "Subject: x\n\nno break at the end";
    const auto messages = read_all(mbox_entry(message, {}, 5) + mbox_entry("Subject: y\n\n", {}, 6));
    REQUIRE(messages.size() == 2);
    REQUIRE(messages[0].bytes.substr(read_status_headers(messages[0].bytes).prefix_size) ==
            message);
}

TEST_CASE("mbox reader rejects a file without a From line", "[archive][mbox]") {
    REQUIRE_THROWS_AS(read_all("Subject: x\n\nbody\n"), std::runtime_error);
    REQUIRE(read_all("").empty());
}

TEST_CASE("mbox reader skips an oversized message", "[archive][mbox]") {
    const std::string big(2000, 'x');
    const std::string file = "From a Thu Jan  1 00:00:00 1970\nSubject: big\n\n" + big +
                             "\n\nFrom b Thu Jan  1 00:00:00 1970\nSubject: small\n\nok\n\n";
    std::istringstream input(file);
    mbox_reader reader(input, 1000);
    REQUIRE_THROWS_AS(reader.next(), skipped_message);
    const auto next = reader.next();
    REQUIRE(next.has_value());
    REQUIRE(next->bytes == "Subject: small\n\nok\n");
    REQUIRE_FALSE(reader.next().has_value());
}

TEST_CASE("mbox reader strips CRLF separators of CRLF files", "[archive][mbox]") {
    const std::string file = "From 1@xxx Thu Oct 17 09:00:52 +0200 2019\r\n"
                             "Subject: a\r\n\r\nbody\r\n\r\n"
                             "From 2@xxx Thu Oct 17 09:00:53 +0000 2019\r\n"
                             "Subject: b\r\n\r\n>From x\r\n\r\n";
    const auto messages = read_all(file);
    REQUIRE(messages.size() == 2);
    REQUIRE(messages[0].bytes == "Subject: a\r\n\r\nbody\r\n");
    REQUIRE(messages[1].bytes == "Subject: b\r\n\r\nFrom x\r\n");
    REQUIRE(parse_from_line_date(messages[0].separator) == 1571302852 - 7200);
    REQUIRE(parse_from_line_date(messages[1].separator) == 1571302853);
}

TEST_CASE("from line uses the asctime layout in UTC", "[archive][mbox]") {
    REQUIRE(from_line(0) == "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
    REQUIRE(from_line(1571302852) == "From MAILER-DAEMON Thu Oct 17 09:00:52 2019\n");
    REQUIRE(parse_from_line_date("From MAILER-DAEMON Thu Oct 17 09:00:52 2019") == 1571302852);
    REQUIRE_FALSE(parse_from_line_date("From someone").has_value());
    REQUIRE_FALSE(parse_from_line_date("From x Thu Oct 17 25:00:52 2019").has_value());
}

TEST_CASE("status headers carry every flag", "[archive][mbox]") {
    const message_flags all{flag::seen | flag::answered | flag::flagged | flag::draft |
                                flag::deleted,
                            {"a", "b"}};
    const std::string headers = status_headers(all, "\r\n");
    REQUIRE(headers == "Status: RO\r\nX-Status: AFTD\r\nX-Keywords: a b\r\n");
    const status_result read = read_status_headers(headers + "\r\nbody");
    REQUIRE(read.flags.flags == all.flags);
    REQUIRE(read.flags.keywords == all.keywords);
    REQUIRE(read.prefix_size == headers.size());
}

TEST_CASE("status headers elsewhere are read but kept", "[archive][mbox]") {
    const std::string message = "Subject: s\nStatus: R\nX-Status: F\n\nbody\n";
    const status_result read = read_status_headers(message);
    REQUIRE(read.flags.flags == (flag::seen | flag::flagged));
    REQUIRE(read.prefix_size == 0);
}

TEST_CASE("mbox reader bounds a line without breaks", "[archive][mbox]") {
    const std::string endless(100000, 'x');
    const std::string file = "From a Thu Jan  1 00:00:00 1970\nSubject: long\n\n" + endless +
                             "\nFrom b Thu Jan  1 00:00:00 1970\nSubject: next\n\n";
    std::istringstream input(file);
    mbox_reader reader(input, 1000);
    REQUIRE_THROWS_AS(reader.next(), skipped_message);
    const auto next = reader.next();
    REQUIRE(next.has_value());
    REQUIRE(next->bytes == "Subject: next\n");
    REQUIRE(reader.bytes_read() == file.size());
}
