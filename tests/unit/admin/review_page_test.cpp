#include "src/admin/review_page.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::app::admin;
namespace storage = skrynka::storage;

namespace {

review_page_data sample_page(language lang) {
    review_page_data data;
    data.lang = lang;
    data.query = {{"user", "alice@example.org"}, {"event", "login.failure"}};
    storage::audit_record record;
    record.sequence = 9;
    record.time = 1769817600000;
    record.actor = static_cast<std::uint8_t>(storage::audit_actor::user);
    record.event = "login.failure";
    record.subject = "<script>alert(1)</script>";
    record.outcome = static_cast<std::uint8_t>(storage::audit_outcome::failure);
    data.page.records.push_back(record);
    data.page.next_cursor = 9;
    data.verify.records = 9;
    data.verify.head.sequence = 9;
    account_summary account;
    account.address = "alice@example.org";
    account.storage_bytes = 2048;
    data.accounts.push_back(account);
    return data;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("review page escapes stored text", "[admin][page]") {
    const std::string html = render_review_page(sample_page(language::english));
    REQUIRE_FALSE(contains(html, "<script>"));
    REQUIRE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST_CASE("review page shows verify result and head", "[admin][page]") {
    const std::string html = render_review_page(sample_page(language::english));
    REQUIRE(contains(html, "The audit log verifies: 9 records, 0 checkpoints."));
    REQUIRE(contains(html, std::string(64, '0')));
    REQUIRE(contains(html, "2.0 KiB"));
}

TEST_CASE("review page keeps the filter in links", "[admin][page]") {
    const std::string html = render_review_page(sample_page(language::english));
    REQUIRE(
        contains(html, "href=\"/?lang=uk&amp;user=alice%40example.org&amp;event=login.failure\""));
    REQUIRE(contains(html, "cursor=9"));
    REQUIRE(contains(html, "<option value=\"login.failure\" selected>"));
}

TEST_CASE("review page in Ukrainian", "[admin][page]") {
    const std::string html = render_review_page(sample_page(language::ukrainian));
    REQUIRE(contains(html, "<html lang=\"uk\">"));
    REQUIRE(contains(html, "Журнал аудиту цілісний: записів 9, контрольних точок 0."));
    REQUIRE(contains(html, ">English</a>"));
}

TEST_CASE("review page shows a filter error", "[admin][page]") {
    review_page_data data = sample_page(language::english);
    data.filter_error = "unknown audit event '<b>'";
    data.page = {};
    const std::string html = render_review_page(data);
    REQUIRE(contains(html, "unknown audit event '&lt;b&gt;'") == false);
    REQUIRE(contains(html, "unknown audit event &#39;&lt;b&gt;&#39;"));
}

TEST_CASE("review page has no script", "[admin][page]") {
    for (const language lang : {language::english, language::ukrainian}) {
        REQUIRE_FALSE(contains(render_review_page(sample_page(lang)), "<script"));
        REQUIRE_FALSE(contains(render_login_page(lang, true), "<script"));
    }
}

TEST_CASE("login page posts the token", "[admin][page]") {
    const std::string html = render_login_page(language::english, true);
    REQUIRE(contains(html, "action=\"/login\""));
    REQUIRE(contains(html, "type=\"password\" name=\"token\""));
    REQUIRE(contains(html, "The token is not valid."));
    REQUIRE_FALSE(contains(render_login_page(language::english, false), "not valid"));
}

TEST_CASE("url encoding keeps unreserved only", "[admin][page]") {
    REQUIRE(url_encode("a-b_c.d~e") == "a-b_c.d~e");
    REQUIRE(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}
