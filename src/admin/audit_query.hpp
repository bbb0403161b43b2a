// The filter and page of an audit listing, read from query parameters: user, event,
// since, until, limit and cursor. Shared by GET /api/audit and the review page. Pure and
// thread-safe.
#pragma once

#include "src/admin/request_parsing.hpp"
#include "storage/audit_log.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <variant>

namespace skrynka::app::admin {

inline constexpr std::size_t audit_page_default = 100;
inline constexpr std::size_t audit_page_max = 1000;

struct audit_query {
    storage::audit_filter filter; // its limit is left 0; the page size is below
    std::size_t limit = audit_page_default;
    std::optional<std::int64_t> cursor; // the last sequence number of the previous page
};

// An invalid parameter: its name and one sentence for the client.
struct query_error {
    std::string parameter;
    std::string message;
};

// Reads the parameters. An empty value means "not given", as an HTML form sends it.
// user is an address, compared in canonical form. since and until take an RFC 3339 date-time or a
// full date; a date alone in until means the end of that day (UTC), so that
// since=D&until=D lists day D. limit is 1 to audit_page_max; cursor a sequence number.
std::variant<audit_query, query_error> parse_audit_query(const parameters& query);

} // namespace skrynka::app::admin
