#include "src/admin/audit_query.hpp"

#include "storage/address.hpp"
#include "storage/audit_time.hpp"
#include "storage/error.hpp"

#include <charconv>
#include <fmt/format.h>

namespace skrynka::app::admin {

namespace {

constexpr std::int64_t day_ms = 24 * 60 * 60 * 1000;
// "YYYY-MM-DD": the length of a full date without a time.
constexpr std::size_t full_date_size = 10;

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::string_view> given(const parameters& query, std::string_view name) {
    auto value = find_parameter(query, name);
    if (value && value->empty()) {
        return std::nullopt;
    }
    return value;
}

} // namespace

std::variant<audit_query, query_error> parse_audit_query(const parameters& query) {
    audit_query result;

    if (auto user = given(query, "user")) {
        try {
            result.filter.subject = storage::canonical_address(*user);
        } catch (const storage::storage_error&) {
            return query_error{"user", "user must be an address such as alice@example.org"};
        }
    }
    if (auto event = given(query, "event")) {
        result.filter.event = storage::parse_audit_event(*event);
        if (!result.filter.event) {
            return query_error{"event", fmt::format("unknown audit event '{}'", *event)};
        }
    }
    if (auto since = given(query, "since")) {
        result.filter.since = storage::parse_audit_time(*since);
        if (!result.filter.since) {
            return query_error{"since", "since must be an RFC 3339 date-time or a date such as "
                                        "2026-01-31"};
        }
    }
    if (auto until = given(query, "until")) {
        result.filter.until = storage::parse_audit_time(*until);
        if (!result.filter.until) {
            return query_error{"until", "until must be an RFC 3339 date-time or a date such as "
                                        "2026-01-31"};
        }
        if (until->size() == full_date_size) {
            *result.filter.until += day_ms - 1;
        }
    }
    if (auto limit = given(query, "limit")) {
        const auto value = parse_integer(*limit);
        if (!value || *value < 1 || *value > static_cast<std::int64_t>(audit_page_max)) {
            return query_error{"limit",
                               fmt::format("limit must be a number from 1 to {}", audit_page_max)};
        }
        result.limit = static_cast<std::size_t>(*value);
    }
    if (auto cursor = given(query, "cursor")) {
        const auto value = parse_integer(*cursor);
        if (!value || *value < 0) {
            return query_error{"cursor", "cursor must be a sequence number from a previous page"};
        }
        result.cursor = *value;
    }
    return result;
}

} // namespace skrynka::app::admin
