#include "storage/audit_time.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::storage;

TEST_CASE("audit time formats in UTC with milliseconds", "[storage][audit]") {
    REQUIRE(format_audit_time(0) == "1970-01-01T00:00:00.000Z");
    REQUIRE(format_audit_time(1767225600123) == "2026-01-01T00:00:00.123Z");
    REQUIRE(format_audit_time(951782400000) == "2000-02-29T00:00:00.000Z");
    REQUIRE(format_audit_time(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("audit time parses RFC 3339 forms", "[storage][audit]") {
    REQUIRE(parse_audit_time("2026-01-01") == 1767225600000);
    REQUIRE(parse_audit_time("2026-01-01T00:00:00Z") == 1767225600000);
    REQUIRE(parse_audit_time("2026-01-01t00:00:00z") == 1767225600000);
    REQUIRE(parse_audit_time("2026-01-01 00:00:00Z") == 1767225600000);
    REQUIRE(parse_audit_time("2026-01-01T00:00:00.123Z") == 1767225600123);
    REQUIRE(parse_audit_time("2026-01-01T00:00:00.1Z") == 1767225600100);
    REQUIRE(parse_audit_time("2026-01-01T00:00:00.123456789Z") == 1767225600123);
    REQUIRE(parse_audit_time("2026-01-01T02:00:00+02:00") == 1767225600000);
    REQUIRE(parse_audit_time("2025-12-31T23:30:00-00:30") == 1767225600000);
    REQUIRE(parse_audit_time(format_audit_time(1767225600123)) == 1767225600123);
}

TEST_CASE("audit time rejects malformed text", "[storage][audit]") {
    for (const char* bad :
         {"", "2026", "2026-1-01", "2026-13-01", "2026-02-29", "2026-01-32", "2026-01-01T",
          "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z",
          "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0200",
          "2026-01-01T00:00:00Z ", " 2026-01-01", "2026-01-01X00:00:00Z", "yesterday"}) {
        INFO(bad);
        REQUIRE_FALSE(parse_audit_time(bad));
    }
}
