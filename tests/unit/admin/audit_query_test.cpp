#include "src/admin/audit_query.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::app::admin;
namespace storage = skrynka::storage;

namespace {

audit_query parsed(const parameters& query) {
    auto result = parse_audit_query(query);
    REQUIRE(std::holds_alternative<audit_query>(result));
    return std::get<audit_query>(result);
}

std::string failed_parameter(const parameters& query) {
    auto result = parse_audit_query(query);
    REQUIRE(std::holds_alternative<query_error>(result));
    return std::get<query_error>(result).parameter;
}

} // namespace

TEST_CASE("audit query defaults", "[admin][audit_query]") {
    const audit_query query = parsed({});
    REQUIRE(query.limit == audit_page_default);
    REQUIRE_FALSE(query.cursor);
    REQUIRE_FALSE(query.filter.subject);
    REQUIRE_FALSE(query.filter.event);
    REQUIRE_FALSE(query.filter.since);
    REQUIRE_FALSE(query.filter.until);
}

TEST_CASE("audit query empty values mean not given", "[admin][audit_query]") {
    const audit_query query =
        parsed({{"user", ""}, {"event", ""}, {"since", ""}, {"until", ""}, {"limit", ""}});
    REQUIRE_FALSE(query.filter.subject);
    REQUIRE_FALSE(query.filter.event);
    REQUIRE(query.limit == audit_page_default);
}

TEST_CASE("audit query reads every field", "[admin][audit_query]") {
    const audit_query query = parsed({{"user", "Alice@Example.ORG"},
                                      {"event", "login.failure"},
                                      {"since", "2026-01-31"},
                                      {"until", "2026-01-31"},
                                      {"limit", "7"},
                                      {"cursor", "42"}});
    REQUIRE(query.filter.subject == "alice@example.org");
    REQUIRE(query.filter.event == storage::audit_event::login_failure);
    // 2026-01-31T00:00:00Z, and the last millisecond of that day.
    REQUIRE(query.filter.since == 1769817600000);
    REQUIRE(query.filter.until == 1769817600000 + 86400000 - 1);
    REQUIRE(query.limit == 7);
    REQUIRE(query.cursor == 42);
}

TEST_CASE("audit query until with a time is exact", "[admin][audit_query]") {
    const audit_query query = parsed({{"until", "2026-01-31T10:00:00Z"}});
    REQUIRE(query.filter.until == 1769817600000 + 10 * 3600000);
}

TEST_CASE("audit query rejects bad values", "[admin][audit_query]") {
    REQUIRE(failed_parameter({{"user", "no-at-sign"}}) == "user");
    REQUIRE(failed_parameter({{"user", "a@b@c"}}) == "user");
    REQUIRE(failed_parameter({{"event", "login.maybe"}}) == "event");
    REQUIRE(failed_parameter({{"since", "yesterday"}}) == "since");
    REQUIRE(failed_parameter({{"until", "2026-02-30"}}) == "until");
    REQUIRE(failed_parameter({{"limit", "0"}}) == "limit");
    REQUIRE(failed_parameter({{"limit", "1001"}}) == "limit");
    REQUIRE(failed_parameter({{"limit", "5x"}}) == "limit");
    REQUIRE(failed_parameter({{"limit", "-1"}}) == "limit");
    REQUIRE(failed_parameter({{"cursor", "-1"}}) == "cursor");
    REQUIRE(failed_parameter({{"cursor", "abc"}}) == "cursor");
    REQUIRE(failed_parameter({{"cursor", "99999999999999999999"}}) == "cursor");
}

TEST_CASE("audit query accepts limit bounds", "[admin][audit_query]") {
    REQUIRE(parsed({{"limit", "1"}}).limit == 1);
    REQUIRE(parsed({{"limit", "1000"}}).limit == 1000);
}
