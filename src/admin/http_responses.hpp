// Building the admin endpoint's HTTP responses: JSON bodies, JSON errors with a code and
// a message, HTML pages, and the security header fields every response carries.
// Pure and thread-safe.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace skrynka::app::admin {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// A response with body and content type, the security header fields and no-store.
http_response make_response(boost::beast::http::status status, std::string body,
                            std::string_view content_type);

http_response json_response(boost::beast::http::status status, const boost::json::value& body);

// {"error": {"code": CODE, "message": MESSAGE}}. code is a stable snake_case name that
// programs compare; message is one sentence for people.
http_response json_error(boost::beast::http::status status, std::string_view code,
                         std::string_view message);

http_response html_response(boost::beast::http::status status, std::string body);

// A 303 See Other to location, as the answer to a form POST.
http_response redirect_response(std::string_view location);

} // namespace skrynka::app::admin
