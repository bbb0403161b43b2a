// The routes of the admin endpoint: it authenticates a request, runs it against the
// admin store and returns the response. Every call with a valid token is recorded in the
// audit log with actor admin; every rejected token as a failed admin login.
//
//   GET    /api/health                       status and version, no token
//   GET    /api/accounts                     accounts with storage used
//   POST   /api/accounts                     {"address", "password"}: create an account
//   DELETE /api/accounts/{address}           delete an account and its mail
//   GET    /api/accounts/{address}/receipts  its deletion receipts
//   GET    /api/audit                        records, filtered and paged (audit_query.hpp)
//   GET    /api/audit/verify                 the result of verifying the whole log
//   GET    /api/audit/public-key             the Ed25519 key that signs checkpoints
//   GET    /metrics                          Prometheus text
//   GET    /                                 the review page, or the login form
//   POST   /login, POST /logout              set or clear the token cookie of the page
//   GET    /page.css                         the page's stylesheet, no token
//   GET    /favicon.ico                      204 No Content, no token
//
// The API and /metrics take the token only from "Authorization: Bearer". The page also
// takes it from an HttpOnly, SameSite=Strict cookie, so that another site cannot make a
// browser send it along with a request that changes something.
#pragma once

#include "policies/login_throttle.hpp"
#include "src/admin/admin_store.hpp"
#include "src/admin/http_responses.hpp"
#include "src/net/listener.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <type_traits>

namespace skrynka::app::admin {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

class admin_router {
  public:
    // store and every call on it run on store_executor, one at a time. throttle counts
    // rejected tokens per address together with the other protocols' failed logins. Both
    // must outlive the router.
    admin_router(admin_store& store, boost::asio::any_io_executor store_executor,
                 policies::login_throttle& throttle)
        : store_(store), store_executor_(std::move(store_executor)), throttle_(throttle) {}

    // Returns the response to request. tls tells whether the connection is encrypted, for
    // the Secure attribute of cookies. Never throws for a client error; a storage failure
    // becomes a 500 with a generic message, and its detail goes to the log.
    boost::asio::awaitable<http_response> handle(http_request& request,
                                                 const net::connection_info& info, bool tls);

  private:
    struct call;

    template <class F> boost::asio::awaitable<std::invoke_result_t<F&>> on_store(F function);

    boost::asio::awaitable<http_response> dispatch(call& current);
    boost::asio::awaitable<std::optional<std::string>> authenticate(call& current);
    boost::asio::awaitable<http_response> reject_token(call& current);
    boost::asio::awaitable<http_response> reject_throttled(call& current);
    boost::asio::awaitable<http_response> login(call& current);
    boost::asio::awaitable<http_response> review_page(call& current);
    boost::asio::awaitable<http_response> metrics_text();
    boost::asio::awaitable<http_response> list_accounts();
    boost::asio::awaitable<http_response> create_account(call& current);
    boost::asio::awaitable<http_response> delete_account(call& current);
    boost::asio::awaitable<http_response> list_receipts(call& current);
    boost::asio::awaitable<http_response> audit_records(call& current);
    boost::asio::awaitable<http_response> audit_verify();
    boost::asio::awaitable<void> record_call(call& current, const http_response& response);

    admin_store& store_;
    boost::asio::any_io_executor store_executor_;
    policies::login_throttle& throttle_;
};

} // namespace skrynka::app::admin
