#include "src/cli/audit_output.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace skrynka;

namespace {

storage::audit_record sample() {
    storage::audit_record record;
    record.sequence = 7;
    record.time = 1767225600123;
    record.actor = static_cast<std::uint8_t>(storage::audit_actor::user);
    record.event = "login.failure";
    record.subject = "alice@example.org";
    record.remote = "192.0.2.1";
    record.outcome = static_cast<std::uint8_t>(storage::audit_outcome::failure);
    record.detail = "proto=imap reason=\"bad\\x0a\"";
    record.hash.fill(0xab);
    return record;
}

} // namespace

TEST_CASE("audit JSON line has every field", "[cli][audit]") {
    const std::string line = app::cli::format_audit_json_line(sample());
    REQUIRE(line.find('\n') == std::string::npos);

    const boost::json::object object = boost::json::parse(line).as_object();
    REQUIRE(object.at("sequence").as_int64() == 7);
    REQUIRE(object.at("time").as_string() == "2026-01-01T00:00:00.123Z");
    REQUIRE(object.at("actor").as_string() == "user");
    REQUIRE(object.at("event").as_string() == "login.failure");
    REQUIRE(object.at("subject").as_string() == "alice@example.org");
    REQUIRE(object.at("remote").as_string() == "192.0.2.1");
    REQUIRE(object.at("outcome").as_string() == "failure");
    REQUIRE(object.at("detail").as_string() == "proto=imap reason=\"bad\\x0a\"");
    std::string hash;
    for (int i = 0; i < 32; ++i) {
        hash += "ab";
    }
    REQUIRE(object.at("hash").as_string() == hash);
}

TEST_CASE("audit output names unknown bytes by number", "[cli][audit]") {
    storage::audit_record record = sample();
    record.actor = 9;
    record.outcome = 0;
    const boost::json::object object =
        boost::json::parse(app::cli::format_audit_json_line(record)).as_object();
    REQUIRE(object.at("actor").as_string() == "9");
    REQUIRE(object.at("outcome").as_string() == "0");
}

TEST_CASE("audit table row lines up with heading", "[cli][audit]") {
    const std::string heading = app::cli::audit_table_heading();
    storage::audit_record record = sample();
    record.remote.clear();
    const std::string row = app::cli::format_audit_table_row(record);

    REQUIRE(heading.find("TIME") == row.find("2026-01-01T00:00:00.123Z"));
    REQUIRE(heading.find("EVENT") == row.find("login.failure"));
    REQUIRE(heading.find("REMOTE") == row.find(" - ") + 1);
    REQUIRE(row.rfind("proto=imap") == heading.find("DETAIL"));
}
