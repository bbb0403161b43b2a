#include "src/admin/admin_router.hpp"

#include "crypto/encoding.hpp"
#include "crypto/receipt.hpp"
#include "src/admin/admin_token.hpp"
#include "src/admin/audit_query.hpp"
#include "src/admin/prometheus_text.hpp"
#include "src/admin/request_parsing.hpp"
#include "src/admin/review_page.hpp"
#include "src/cli/audit_output.hpp"
#include "src/logging/logging.hpp"
#include "src/metrics/server_metrics.hpp"
#include "storage/address.hpp"
#include "storage/audit_entries.hpp"
#include "storage/audit_time.hpp"
#include "storage/error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace skrynka::app::admin {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::string_view token_cookie = "skrynka_admin_token";
constexpr std::string_view language_cookie = "skrynka_lang";

// Overwrites a string that held a secret (a token or a password in a request body)
// before its memory is freed.
void wipe(std::string& text) {
    if (!text.empty()) {
        ::OPENSSL_cleanse(text.data(), text.size());
    }
    text.clear();
}

bool is_json(const http_request& request) {
    const std::string_view type = request[http::field::content_type];
    return type.substr(0, type.find(';')) == "application/json";
}

bool is_form(const http_request& request) {
    const std::string_view type = request[http::field::content_type];
    return type.substr(0, type.find(';')) == "application/x-www-form-urlencoded";
}

std::string set_cookie(std::string_view name, std::string_view value, bool tls, bool http_only,
                       bool expire) {
    std::string cookie = fmt::format("{}={}; Path=/; SameSite=Strict", name, value);
    if (http_only) {
        cookie += "; HttpOnly";
    }
    if (tls) {
        cookie += "; Secure";
    }
    if (expire) {
        cookie += "; Max-Age=0";
    }
    return cookie;
}

http_response method_not_allowed(std::string_view allowed) {
    http_response response = json_error(http::status::method_not_allowed, "method_not_allowed",
                                        fmt::format("this path allows only {}", allowed));
    response.set(http::field::allow, allowed);
    return response;
}

// A rejected token: detail "proto=admin reason=bad_credentials" (or rate_limited), with
// actor admin because only the operator has tokens.
storage::audit_entry admin_login_failure(
    std::string_view remote,
    storage::login_failure_reason reason = storage::login_failure_reason::bad_credentials) {
    storage::audit_entry entry =
        storage::login_failure_entry(storage::audit_protocol::admin, "", remote, reason);
    entry.actor = storage::audit_actor::admin;
    return entry;
}

// A login through the page's form: detail "proto=admin token=LABEL".
storage::audit_entry admin_login_success(std::string_view label, std::string_view remote) {
    storage::audit_entry entry =
        storage::login_success_entry(storage::audit_protocol::admin, "", remote);
    entry.actor = storage::audit_actor::admin;
    entry.detail += fmt::format(" token={}", label);
    return entry;
}

// Returns the canonical form of address, or nothing when it is not an address.
std::optional<std::string> canonical_or_nothing(std::string_view address) {
    try {
        return storage::canonical_address(address);
    } catch (const storage::storage_error&) {
        return std::nullopt;
    }
}

json::object account_json(const account_summary& account) {
    json::object object;
    object["address"] = account.address;
    object["created"] = storage::format_audit_time(account.created * 1000);
    object["state"] = account.active ? "active" : "disabled";
    json::array aliases;
    for (const std::string& alias : account.aliases) {
        aliases.emplace_back(alias);
    }
    object["aliases"] = std::move(aliases);
    object["storage_bytes"] = account.storage_bytes;
    return object;
}

} // namespace

// One request in progress.
struct admin_router::call {
    http_request& request;
    const net::connection_info& info;
    bool tls = false;
    request_target target;
    // Set once a valid token was presented.
    std::optional<std::string> token_label;
    // Whether the request carried a token at all, valid or not.
    bool token_presented = false;
    // Whether an admin.call record is written for the request. A /metrics scrape is
    // not, because a scraper calling every few seconds would fill the audit log.
    bool audited = true;
    // The account the call concerns, for its audit record.
    std::string subject;
};

template <class F> asio::awaitable<std::invoke_result_t<F&>> admin_router::on_store(F function) {
    using result_type = std::invoke_result_t<F&>;
    co_return co_await asio::co_spawn(
        store_executor_,
        [function = std::move(function)]() mutable -> asio::awaitable<result_type> {
            co_return function();
        },
        asio::use_awaitable);
}

asio::awaitable<http_response> admin_router::handle(http_request& request,
                                                    const net::connection_info& info, bool tls) {
    metrics::count(metrics::counter::commands, metrics::protocol::admin);
    std::optional<request_target> target = parse_target(request.target());
    if (!target) {
        co_return json_error(http::status::bad_request, "invalid_target",
                             "the request target is not a valid path with an optional query");
    }
    call current{request, info, tls, std::move(*target), std::nullopt, {}};
    try {
        http_response response = co_await dispatch(current);
        if (current.token_label && current.audited) {
            co_await record_call(current, response);
        }
        co_return response;
    } catch (const std::exception& error) {
        spdlog::error("session={} proto=admin remote={} event=request_failed method={} error={}",
                      info.session_id, info.remote_address,
                      logging::log_value(request.method_string()),
                      logging::log_value(error.what()));
    }
    co_return json_error(http::status::internal_server_error, "internal_error",
                         fmt::format("internal error at {}; the server log has the details",
                                     storage::format_audit_time(
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count())));
}

asio::awaitable<http_response> admin_router::dispatch(call& current) {
    const std::vector<std::string>& path = current.target.segments;
    const http::verb method = current.request.method();

    // Routes that need no token.
    if (path.size() == 2 && path[0] == "api" && path[1] == "health") {
        if (method != http::verb::get) {
            co_return method_not_allowed("GET");
        }
        json::object body;
        body["status"] = "ok";
        body["version"] = SKRYNKA_VERSION;
        co_return json_response(http::status::ok, body);
    }
    if (path.size() == 1 && path[0] == "page.css") {
        co_return make_response(http::status::ok, std::string(page_stylesheet()),
                                "text/css; charset=utf-8");
    }
    if (path.size() == 1 && path[0] == "favicon.ico") {
        // Browsers fetch it on every page view; without this route each fetch would be
        // audited as a rejected token.
        co_return make_response(http::status::no_content, "", "text/plain");
    }
    // Like the mail protocols, a locked-out address is refused before its token is
    // checked, so a guesser learns nothing from the reply.
    if (!throttle_.allowed(current.info.remote_address)) {
        co_return co_await reject_throttled(current);
    }
    if (path.size() == 1 && path[0] == "login") {
        if (method != http::verb::post) {
            co_return method_not_allowed("POST");
        }
        co_return co_await login(current);
    }

    current.token_label = co_await authenticate(current);
    if (!current.token_label) {
        co_return co_await reject_token(current);
    }

    if (path.empty()) {
        if (method != http::verb::get) {
            co_return method_not_allowed("GET");
        }
        co_return co_await review_page(current);
    }
    if (path.size() == 1 && path[0] == "logout") {
        if (method != http::verb::post) {
            co_return method_not_allowed("POST");
        }
        http_response response = redirect_response("/");
        response.set(http::field::set_cookie,
                     set_cookie(token_cookie, "", current.tls, true, true));
        co_return response;
    }
    if (path.size() == 1 && path[0] == "metrics") {
        if (method != http::verb::get) {
            co_return method_not_allowed("GET");
        }
        current.audited = false;
        co_return co_await metrics_text();
    }
    if (path.size() >= 2 && path[0] == "api" && path[1] == "accounts") {
        if (path.size() == 2) {
            if (method == http::verb::get) {
                co_return co_await list_accounts();
            }
            if (method == http::verb::post) {
                co_return co_await create_account(current);
            }
            co_return method_not_allowed("GET, POST");
        }
        const std::optional<std::string> address = canonical_or_nothing(path[2]);
        if (!address) {
            co_return json_error(http::status::bad_request, "invalid_address",
                                 "the path must name an address such as alice@example.org");
        }
        current.subject = *address;
        if (path.size() == 3) {
            if (method != http::verb::delete_) {
                co_return method_not_allowed("DELETE");
            }
            co_return co_await delete_account(current);
        }
        if (path.size() == 4 && path[3] == "receipts") {
            if (method != http::verb::get) {
                co_return method_not_allowed("GET");
            }
            co_return co_await list_receipts(current);
        }
    }
    if (path.size() >= 2 && path[0] == "api" && path[1] == "audit") {
        if (method != http::verb::get) {
            co_return method_not_allowed("GET");
        }
        if (path.size() == 2) {
            co_return co_await audit_records(current);
        }
        if (path.size() == 3 && path[2] == "verify") {
            co_return co_await audit_verify();
        }
        if (path.size() == 3 && path[2] == "public-key") {
            json::object body;
            body["algorithm"] = "Ed25519";
            body["public_key"] = crypto::hex_encode(store_.public_key());
            co_return json_response(http::status::ok, body);
        }
    }
    co_return json_error(http::status::not_found, "not_found", "no such path");
}

asio::awaitable<std::optional<std::string>> admin_router::authenticate(call& current) {
    std::optional<std::string_view> presented;
    const auto authorization = current.request.find(http::field::authorization);
    if (authorization != current.request.end()) {
        current.token_presented = true;
        presented = bearer_token(authorization->value());
        if (!presented) {
            co_return std::nullopt;
        }
    } else if (current.target.segments.empty() ||
               (current.target.segments.size() == 1 && current.target.segments[0] == "logout")) {
        presented = cookie_value(current.request[http::field::cookie], token_cookie);
    }
    if (!presented) {
        co_return std::nullopt;
    }
    current.token_presented = true;
    const std::vector<storage::admin_token> tokens =
        co_await on_store([this] { return store_.tokens(); });
    co_return match_admin_token(tokens, *presented);
}

asio::awaitable<http_response> admin_router::reject_token(call& current) {
    // A request without any token (a browser's first visit) is no failed login: it gets
    // the login page or a 401, and neither a record nor a count against its address.
    if (current.token_presented) {
        metrics::count(metrics::counter::logins_failed, metrics::protocol::admin);
        spdlog::warn("session={} proto=admin remote={} event=token_rejected",
                     current.info.session_id, current.info.remote_address);
        const std::string remote = current.info.remote_address;
        throttle_.record_failure(remote);
        co_await on_store([this, &remote] { store_.record(admin_login_failure(remote)); });
    }

    if (current.target.segments.empty()) {
        const auto lang = choose_language(find_parameter(current.target.query, "lang"),
                                          current.request[http::field::accept_language]);
        const bool failed = current.request.find(http::field::cookie) != current.request.end() &&
                            cookie_value(current.request[http::field::cookie], token_cookie);
        co_return html_response(http::status::unauthorized, render_login_page(lang, failed));
    }
    http_response response =
        json_error(http::status::unauthorized, "unauthorized",
                   "a valid admin token is required: send \"Authorization: Bearer TOKEN\"");
    response.set(http::field::www_authenticate, "Bearer realm=\"skrynka\"");
    co_return response;
}

asio::awaitable<http_response> admin_router::reject_throttled(call& current) {
    metrics::count(metrics::counter::logins_failed, metrics::protocol::admin);
    spdlog::warn("session={} proto=admin remote={} event=login_refused reason=rate_limited",
                 current.info.session_id, current.info.remote_address);
    const std::string remote = current.info.remote_address;
    if (throttle_.first_rejection(remote)) {
        co_await on_store([this, &remote] {
            store_.record(admin_login_failure(remote, storage::login_failure_reason::rate_limited));
        });
    }
    co_return json_error(http::status::too_many_requests, "rate_limited",
                         "too many failed logins from this address; try again later");
}

asio::awaitable<http_response> admin_router::login(call& current) {
    std::optional<parameters> form;
    if (is_form(current.request)) {
        form = parse_form(current.request.body());
    }
    std::string token;
    if (form) {
        if (auto value = find_parameter(*form, "token")) {
            token = std::string(*value);
        }
    }
    const language lang = choose_language(form ? find_parameter(*form, "lang") : std::nullopt,
                                          current.request[http::field::accept_language]);
    wipe(current.request.body());
    if (form) {
        for (auto& [name, value] : *form) {
            wipe(value);
        }
    }

    std::optional<std::string> label;
    if (!token.empty()) {
        const std::vector<storage::admin_token> tokens =
            co_await on_store([this] { return store_.tokens(); });
        label = match_admin_token(tokens, token);
    }
    if (!label) {
        wipe(token);
        metrics::count(metrics::counter::logins_failed, metrics::protocol::admin);
        const std::string remote = current.info.remote_address;
        throttle_.record_failure(remote);
        co_await on_store([this, &remote] { store_.record(admin_login_failure(remote)); });
        co_return html_response(http::status::unauthorized, render_login_page(lang, true));
    }

    metrics::count(metrics::counter::logins_succeeded, metrics::protocol::admin);
    const std::string remote = current.info.remote_address;
    co_await on_store(
        [this, &remote, &label] { store_.record(admin_login_success(*label, remote)); });
    http_response response = redirect_response(fmt::format("/?lang={}", language_code(lang)));
    response.set(http::field::set_cookie,
                 set_cookie(token_cookie, token, current.tls, true, false));
    wipe(token);
    co_return response;
}

asio::awaitable<http_response> admin_router::review_page(call& current) {
    review_page_data data;
    const auto lang_parameter = find_parameter(current.target.query, "lang");
    const auto lang_cookie = cookie_value(current.request[http::field::cookie], language_cookie);
    data.lang = choose_language(lang_parameter ? lang_parameter : lang_cookie,
                                current.request[http::field::accept_language]);
    data.query = current.target.query;

    std::optional<audit_query> query;
    auto parsed = parse_audit_query(current.target.query);
    if (auto* error = std::get_if<query_error>(&parsed)) {
        data.filter_error = error->message;
    } else {
        query = std::get<audit_query>(std::move(parsed));
    }

    co_await on_store([this, &data, &query] {
        data.verify = store_.verify();
        data.accounts = store_.accounts();
        if (query) {
            data.page = store_.audit_records(query->filter, query->limit, query->cursor);
        }
    });

    http_response response = html_response(http::status::ok, render_review_page(data));
    if (lang_parameter) {
        response.set(http::field::set_cookie, set_cookie(language_cookie, language_code(data.lang),
                                                         current.tls, false, false));
    }
    co_return response;
}

asio::awaitable<http_response> admin_router::metrics_text() {
    gauge_values gauges = co_await on_store([this] {
        gauge_values values;
        values.stored_bytes = store_.stored_bytes();
        values.audit_head_sequence = store_.head().sequence;
        return values;
    });
    gauges.resident_memory_bytes = resident_memory_bytes();
    co_return make_response(http::status::ok, render_prometheus(metrics::server_metrics(), gauges),
                            "text/plain; version=0.0.4; charset=utf-8");
}

asio::awaitable<http_response> admin_router::list_accounts() {
    const std::vector<account_summary> accounts =
        co_await on_store([this] { return store_.accounts(); });
    json::array list;
    for (const account_summary& account : accounts) {
        list.emplace_back(account_json(account));
    }
    json::object body;
    body["accounts"] = std::move(list);
    co_return json_response(http::status::ok, body);
}

asio::awaitable<http_response> admin_router::create_account(call& current) {
    if (!is_json(current.request)) {
        wipe(current.request.body());
        co_return json_error(http::status::unsupported_media_type, "unsupported_media_type",
                             "send the account as Content-Type: application/json");
    }
    boost::system::error_code parse_error;
    json::value body = json::parse(current.request.body(), parse_error);
    wipe(current.request.body());
    const json::object* fields = parse_error ? nullptr : body.if_object();
    const json::value* address = fields ? fields->if_contains("address") : nullptr;
    json::value* password = fields ? body.as_object().if_contains("password") : nullptr;
    if (fields == nullptr || address == nullptr || !address->is_string() || password == nullptr ||
        !password->is_string()) {
        co_return json_error(http::status::bad_request, "invalid_body",
                             "send a JSON object with the strings \"address\" and \"password\"");
    }
    const std::string address_text(address->as_string());
    json::string& password_text = password->as_string();
    crypto::secret_bytes secret =
        crypto::secret_bytes::copy_of(std::string_view(password_text.data(), password_text.size()));
    if (!password_text.empty()) {
        ::OPENSSL_cleanse(password_text.data(), password_text.size());
    }
    // An address create_account rejects is still named in the audit record, escaped.
    current.subject = canonical_or_nothing(address_text).value_or(address_text);

    const std::string remote = current.info.remote_address;
    create_result result = co_await on_store([this, &address_text, &secret, &remote] {
        return store_.create_account(address_text, secret, remote);
    });
    switch (result.failure) {
    case create_failure::invalid_address:
        co_return json_error(http::status::bad_request, "invalid_address", result.message);
    case create_failure::exists:
        co_return json_error(http::status::conflict, "already_exists", result.message);
    case create_failure::weak_password:
        co_return json_error(http::status::unprocessable_entity, "weak_password", result.message);
    case create_failure::none:
        break;
    }
    json::object reply;
    reply["address"] = current.subject;
    // NOTE: the recovery code leaves guarded memory here, because the response body is a
    // std::string; it is shown only in this one response.
    reply["recovery_code"] = std::string_view(
        reinterpret_cast<const char*>(result.recovery_code.data()), result.recovery_code.size());
    http_response response = json_response(http::status::created, reply);
    response.set(http::field::location, "/api/accounts/" + url_encode(current.subject));
    co_return response;
}

asio::awaitable<http_response> admin_router::delete_account(call& current) {
    const std::optional<server::server_wipe_result> wiped =
        co_await on_store([this, &current] { return store_.wipe_account(current.subject); });
    if (!wiped) {
        co_return json_error(http::status::not_found, "not_found",
                             fmt::format("no account {}", current.subject));
    }
    const crypto::signed_receipt& receipt = wiped->wipe.receipt;
    json::object body;
    body["wiped"] = current.subject;
    body["sessions_ended"] = wiped->sessions_ended;
    body["pages_scanned"] = wiped->wipe.pages_scanned;
    body["receipt_id"] = crypto::hex_encode(receipt.body.id);
    body["receipt"] = json::parse(crypto::receipt_to_json(receipt));
    co_return json_response(http::status::ok, body);
}

asio::awaitable<http_response> admin_router::list_receipts(call& current) {
    // The paging parameters of /api/audit: limit, cursor (an audit sequence) and since.
    auto parsed = parse_audit_query(current.target.query);
    if (auto* error = std::get_if<query_error>(&parsed)) {
        co_return json_error(http::status::bad_request, "invalid_" + error->parameter,
                             error->message);
    }
    const audit_query& query = std::get<audit_query>(parsed);
    const auto page = co_await on_store([this, &current, &query] {
        return store_.receipts(current.subject, query.limit, query.cursor, query.filter.since);
    });
    if (!page) {
        co_return json_error(http::status::not_found, "not_found",
                             fmt::format("no account {}", current.subject));
    }
    json::array list;
    for (const crypto::signed_receipt& receipt : page->receipts) {
        const crypto::receipt& fields = receipt.body;
        json::object object;
        object["id"] = crypto::hex_encode(fields.id);
        object["kind"] = crypto::receipt_kind_name(fields.kind);
        object["time"] = storage::format_audit_time(fields.time);
        object["audit_sequence"] = fields.audit_sequence;
        if (fields.kind == crypto::receipt_kind::deletion) {
            object["mailbox"] = fields.mailbox;
            object["uidvalidity"] = fields.uidvalidity;
            object["uid"] = fields.uid;
        } else {
            object["key_slots"] = fields.key_slot_count;
        }
        list.emplace_back(std::move(object));
    }
    json::object body;
    body["address"] = current.subject;
    body["receipts"] = std::move(list);
    if (page->next_cursor) {
        body["next_cursor"] = *page->next_cursor;
    }
    co_return json_response(http::status::ok, body);
}

asio::awaitable<http_response> admin_router::audit_records(call& current) {
    auto parsed = parse_audit_query(current.target.query);
    if (auto* error = std::get_if<query_error>(&parsed)) {
        co_return json_error(http::status::bad_request, "invalid_" + error->parameter,
                             error->message);
    }
    const audit_query query = std::get<audit_query>(std::move(parsed));
    const audit_page page = co_await on_store(
        [this, &query] { return store_.audit_records(query.filter, query.limit, query.cursor); });
    json::array records;
    for (const storage::audit_record& record : page.records) {
        records.emplace_back(cli::audit_record_json(record));
    }
    json::object body;
    body["records"] = std::move(records);
    if (page.next_cursor) {
        body["next_cursor"] = *page.next_cursor;
    } else {
        body["next_cursor"] = nullptr;
    }
    co_return json_response(http::status::ok, body);
}

asio::awaitable<http_response> admin_router::audit_verify() {
    const storage::audit_verify_report report =
        co_await on_store([this] { return store_.verify(); });
    json::object head;
    head["sequence"] = report.head.sequence;
    head["hash"] = crypto::hex_encode(report.head.hash);
    json::object body;
    body["ok"] = report.ok();
    body["records"] = report.records;
    body["checkpoints"] = report.checkpoints;
    body["head"] = std::move(head);
    body["pruned_through"] = report.pruned_through;
    if (!report.ok()) {
        body["fault"] = storage::audit_fault_name(report.fault);
        body["bad_sequence"] = report.bad_sequence;
        body["problem"] = report.problem;
    }
    co_return json_response(http::status::ok, body);
}

asio::awaitable<void> admin_router::record_call(call& current, const http_response& response) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::admin;
    entry.event = storage::audit_event::admin_call;
    entry.subject = current.subject;
    entry.remote = current.info.remote_address;
    entry.outcome = response.result_int() < 400 ? storage::audit_outcome::success
                                                : storage::audit_outcome::failure;
    // The query is left out: it may contain a user's address, which is the subject.
    const std::string_view target = current.request.target();
    entry.detail = fmt::format(
        "method={} path={} status={} token={}", std::string_view(current.request.method_string()),
        target.substr(0, target.find('?')), response.result_int(), *current.token_label);
    co_await on_store([this, &entry] { store_.record(entry); });
}

} // namespace skrynka::app::admin
