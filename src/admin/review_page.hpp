// GET /: the audit review page, and the login form in front of it. Server-rendered HTML in
// English and Ukrainian with no script and no external asset; the only other resource is
// the stylesheet at /page.css, so the Content-Security-Policy can forbid everything else.
// Pure and thread-safe.
#pragma once

#include "src/admin/admin_store.hpp"
#include "src/admin/audit_query.hpp"
#include "src/admin/request_parsing.hpp"

#include <string>
#include <string_view>

namespace skrynka::app::admin {

struct review_page_data {
    language lang = language::english;
    // The filter parameters as given, to fill the form and build the next-page link.
    parameters query;
    // Set when a filter parameter was invalid; then page is empty.
    std::string filter_error;
    audit_page page;
    storage::audit_verify_report verify;
    std::vector<account_summary> accounts;
};

std::string render_review_page(const review_page_data& data);

// The login form that POSTs a token to /login. failed adds a line saying that the token
// given was not valid.
std::string render_login_page(language lang, bool failed);

std::string_view page_stylesheet() noexcept;

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986 section 2.3).
std::string url_encode(std::string_view text);

} // namespace skrynka::app::admin
