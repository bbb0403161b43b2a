#include "src/admin/http_responses.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

namespace skrynka::app::admin {

namespace http = boost::beast::http;

namespace {

// The page loads only its own stylesheet and submits forms only to this server; no script
// runs, and no other site may frame it (clickjacking).
constexpr std::string_view content_security_policy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

} // namespace

http_response make_response(http::status status, std::string body, std::string_view content_type) {
    http_response response(status, 11);
    response.set(http::field::server, "skrynka");
    response.set(http::field::content_type, content_type);
    response.set(http::field::cache_control, "no-store");
    response.set("Content-Security-Policy", content_security_policy);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.body() = std::move(body);
    response.prepare_payload();
    return response;
}

http_response json_response(http::status status, const boost::json::value& body) {
    return make_response(status, boost::json::serialize(body) + "\n", "application/json");
}

http_response json_error(http::status status, std::string_view code, std::string_view message) {
    boost::json::object error;
    error["code"] = code;
    error["message"] = message;
    boost::json::object body;
    body["error"] = std::move(error);
    return json_response(status, body);
}

http_response html_response(http::status status, std::string body) {
    return make_response(status, std::move(body), "text/html; charset=utf-8");
}

http_response redirect_response(std::string_view location) {
    http_response response = make_response(http::status::see_other, "", "text/plain");
    response.set(http::field::location, location);
    return response;
}

} // namespace skrynka::app::admin
