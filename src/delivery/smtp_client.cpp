// Outbound SMTP client; see smtp_client.hpp.
#include "src/delivery/smtp_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>

namespace skrynka::delivery {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Longest reply line read; RFC 5321 §4.5.3.1.5 allows 512 octets.
constexpr std::size_t reply_line_max = 4096;
// Reply lines per reply kept; an endless multi-line reply ends the attempt.
constexpr std::size_t reply_lines_max = 100;

struct reply {
    int code = 0; // 0 when no valid reply arrived
    std::vector<std::string> lines;

    std::string text() const {
        std::string joined = fmt::format("{}", code);
        for (const std::string& line : lines) {
            joined += " " + line;
        }
        return joined;
    }
};

// Replaces control characters, so a reply is safe in one log line and in a DSN.
std::string printable(std::string text) {
    for (char& c : text) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            c = '?';
        }
    }
    return text;
}

template <class Stream>
asio::awaitable<reply> read_reply(Stream& stream, asio::streambuf& buffer,
                                  std::chrono::seconds timeout) {
    reply result;
    while (result.lines.size() < reply_lines_max) {
        beast::get_lowest_layer(stream).expires_after(timeout);
        boost::system::error_code error;
        const std::size_t size = co_await asio::async_read_until(
            stream, buffer, "\r\n", asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            result.code = 0;
            result.lines = {fmt::format("no reply: {}", error.message())};
            co_return result;
        }
        std::string line(asio::buffers_begin(buffer.data()),
                         asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(size) - 2);
        buffer.consume(size);
        if (line.size() < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
            line[2] < '0' || line[2] > '9' || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
            result.code = 0;
            result.lines = {"invalid reply: " + printable(line.substr(0, 80))};
            co_return result;
        }
        const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (result.code != 0 && code != result.code) {
            result.code = 0;
            result.lines = {"invalid multi-line reply"};
            co_return result;
        }
        result.code = code;
        result.lines.push_back(printable(line.size() > 4 ? line.substr(4) : std::string()));
        if (line.size() == 3 || line[3] == ' ') {
            co_return result;
        }
    }
    result.code = 0;
    result.lines = {"reply too long"};
    co_return result;
}

template <class Stream>
asio::awaitable<reply> command(Stream& stream, asio::streambuf& buffer, const std::string& line,
                               std::chrono::seconds timeout) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    boost::system::error_code error;
    co_await asio::async_write(stream, asio::buffer(line + "\r\n"),
                               asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        reply failed;
        failed.lines = {fmt::format("write failed: {}", error.message())};
        co_return failed;
    }
    reply answer = co_await read_reply(stream, buffer, timeout);
    co_return answer;
}

bool has_extension(const reply& ehlo, std::string_view name) {
    for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
        std::string keyword = ehlo.lines[i].substr(0, ehlo.lines[i].find(' '));
        for (char& c : keyword) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (keyword == name) {
            return true;
        }
    }
    return false;
}

recipient_status status_of(int code) {
    if (code >= 200 && code < 300) {
        return recipient_status::delivered;
    }
    if (code >= 500 && code < 600) {
        return recipient_status::permanent;
    }
    return recipient_status::temporary;
}

void set_all(attempt_result& result, recipient_status status, const std::string& reply_text) {
    for (recipient_result& recipient : result.recipients) {
        if (recipient.status != recipient_status::permanent) {
            recipient.status = status;
            recipient.reply = reply_text;
        }
    }
}

// The transaction after EHLO: MAIL, one RCPT per recipient, DATA and the message.
template <class Stream>
asio::awaitable<void> run_transaction(Stream& stream, asio::streambuf& buffer,
                                      const client_settings& settings, const std::string& sender,
                                      const std::string& message, attempt_result& result) {
    // NOTE: no BODY=8BITMIME or SMTPUTF8 parameter is sent, and an 8-bit message goes out
    // unchanged even to a server that does not offer 8BITMIME.
    const reply mail = co_await command(stream, buffer, fmt::format("MAIL FROM:<{}>", sender),
                                        settings.command_timeout);
    if (mail.code / 100 != 2) {
        set_all(result, status_of(mail.code), mail.text());
        co_return;
    }

    bool any_accepted = false;
    for (recipient_result& recipient : result.recipients) {
        const reply rcpt = co_await command(stream, buffer, fmt::format("RCPT TO:<{}>", recipient.address),
                                            settings.command_timeout);
        recipient.reply = rcpt.text();
        if (rcpt.code / 100 == 2) {
            any_accepted = true;
            recipient.status = recipient_status::delivered; // until the data is refused
        } else {
            recipient.status = status_of(rcpt.code) == recipient_status::permanent
                                   ? recipient_status::permanent
                                   : recipient_status::temporary;
        }
        if (rcpt.code == 0) {
            co_return;
        }
    }
    if (!any_accepted) {
        co_await command(stream, buffer, "RSET", settings.command_timeout);
        co_return;
    }

    const reply data = co_await command(stream, buffer, "DATA", settings.command_timeout);
    if (data.code != 354) {
        for (recipient_result& recipient : result.recipients) {
            if (recipient.status == recipient_status::delivered) {
                recipient.status = status_of(data.code) == recipient_status::permanent
                                       ? recipient_status::permanent
                                       : recipient_status::temporary;
                recipient.reply = data.text();
            }
        }
        co_return;
    }

    beast::get_lowest_layer(stream).expires_after(settings.data_termination_timeout);
    boost::system::error_code error;
    co_await asio::async_write(stream, asio::buffer(stuff_for_data(message)),
                               asio::redirect_error(asio::use_awaitable, error));
    reply end;
    if (error) {
        end.lines = {fmt::format("write failed: {}", error.message())};
    } else {
        end = co_await read_reply(stream, buffer, settings.data_termination_timeout);
    }
    for (recipient_result& recipient : result.recipients) {
        if (recipient.status == recipient_status::delivered) {
            recipient.status = status_of(end.code);
            recipient.reply = end.text();
        }
    }
    co_await command(stream, buffer, "QUIT", settings.command_timeout);
}

std::string describe_verification(SSL* ssl) {
    const long verify = SSL_get_verify_result(ssl);
    const std::string version = SSL_get_version(ssl);
    if (verify == X509_V_OK && SSL_get0_peer_certificate(ssl) != nullptr) {
        return version + " verified";
    }
    return fmt::format("{} unverified ({})", version, X509_verify_cert_error_string(verify));
}

} // namespace

std::string stuff_for_data(const std::string& message) {
    std::string out;
    out.reserve(message.size() + message.size() / 64 + 8);
    bool line_start = true;
    for (const char c : message) {
        if (line_start && c == '.') {
            out += '.';
        }
        out += c;
        line_start = c == '\n';
    }
    if (!out.ends_with("\r\n")) {
        out += "\r\n";
    }
    out += ".\r\n";
    return out;
}

namespace {

// Builds "AUTH PLAIN " base64("" NUL username NUL password) CR LF in guarded memory.
crypto::secret_bytes auth_plain_line(const std::string& username,
                                     const crypto::secret_bytes& password) {
    crypto::secret_bytes response(username.size() + password.size() + 2);
    response.data()[0] = 0;
    std::copy(username.begin(), username.end(), response.data() + 1);
    response.data()[username.size() + 1] = 0;
    std::copy(password.data(), password.data() + password.size(),
              response.data() + username.size() + 2);

    constexpr std::string_view prefix = "AUTH PLAIN ";
    const std::size_t encoded_size =
        sodium_base64_encoded_len(response.size(), sodium_base64_VARIANT_ORIGINAL);
    // encoded_size counts the terminating NUL, which the CR replaces.
    crypto::secret_bytes line(prefix.size() + encoded_size + 1);
    std::copy(prefix.begin(), prefix.end(), line.data());
    sodium_bin2base64(reinterpret_cast<char*>(line.data() + prefix.size()), encoded_size,
                      response.data(), response.size(), sodium_base64_VARIANT_ORIGINAL);
    line.data()[line.size() - 2] = '\r';
    line.data()[line.size() - 1] = '\n';
    return line;
}

// EHLO, AUTH when configured, then the transaction, on a stream already in TLS or on a
// plain one when TLS is optional.
template <class Stream>
asio::awaitable<void> finish_session(Stream& stream, asio::streambuf& buffer,
                                     const client_settings& settings, const std::string& sender,
                                     const std::string& message, attempt_result& result) {
    const reply ehlo =
        co_await command(stream, buffer, "EHLO " + settings.client_name, settings.command_timeout);
    if (ehlo.code != 250) {
        set_all(result, recipient_status::temporary, ehlo.text());
        co_return;
    }
    if (!settings.username.empty()) {
        const crypto::secret_bytes line = auth_plain_line(settings.username, *settings.password);
        beast::get_lowest_layer(stream).expires_after(settings.command_timeout);
        boost::system::error_code error;
        co_await asio::async_write(stream, asio::buffer(line.data(), line.size()),
                                   asio::redirect_error(asio::use_awaitable, error));
        reply authenticated;
        if (error) {
            authenticated.lines = {fmt::format("write failed: {}", error.message())};
        } else {
            authenticated = co_await read_reply(stream, buffer, settings.command_timeout);
        }
        if (authenticated.code != 235) {
            // A rejected login is the operator's to fix, so the mail waits instead of
            // bouncing.
            set_all(result, recipient_status::temporary, "smarthost login failed: " + authenticated.text());
            co_return;
        }
    }
    co_await run_transaction(stream, buffer, settings, sender, message, result);
}

// Runs the handshake on secure and records the certificate check. Returns false, with
// every recipient set, when the handshake fails or a required check does not pass.
asio::awaitable<bool> start_tls(beast::ssl_stream<beast::tcp_stream>& secure,
                                const std::string& host, const client_settings& settings,
                                attempt_result& result) {
    SSL_set_tlsext_host_name(secure.native_handle(), host.c_str());
    SSL_set1_host(secure.native_handle(), host.c_str());
    secure.set_verify_mode(asio::ssl::verify_peer);
    // The check is recorded here and enforced below only when TLS is required, because
    // opportunistic TLS (RFC 7435) must not stop delivery on a self-signed certificate.
    secure.set_verify_callback([](bool, asio::ssl::verify_context&) { return true; });
    beast::get_lowest_layer(secure).expires_after(settings.command_timeout);
    boost::system::error_code error;
    co_await secure.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        set_all(result, recipient_status::temporary,
                fmt::format("TLS handshake with {} failed: {}", host, error.message()));
        co_return false;
    }
    result.tls = describe_verification(secure.native_handle());
    if (settings.require_tls && SSL_get_verify_result(secure.native_handle()) != X509_V_OK) {
        set_all(result, recipient_status::temporary,
                fmt::format("certificate of {} not verified, TLS {}", host, result.tls));
        co_return false;
    }
    co_return true;
}

} // namespace

asio::awaitable<attempt_result> send_to_host(asio::any_io_executor executor, std::string host,
                                             std::uint16_t port, const client_settings& settings,
                                             std::string sender, std::vector<std::string> recipients,
                                             const std::string& message,
                                             asio::ssl::context& tls_context) {
    attempt_result result;
    for (std::string& address : recipients) {
        result.recipients.push_back({std::move(address), recipient_status::temporary, ""});
    }

    asio::ip::tcp::resolver resolver(executor);
    boost::system::error_code error;
    // The resolver returns AAAA and A addresses; each is tried in turn (RFC 5321 §5.1).
    const auto endpoints = co_await resolver.async_resolve(
        host, std::to_string(port), asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        set_all(result, recipient_status::temporary,
                fmt::format("cannot resolve {}: {}", host, error.message()));
        co_return result;
    }
    beast::tcp_stream plain(executor);
    plain.expires_after(settings.command_timeout);
    co_await plain.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, error));
    if (error) {
        set_all(result, recipient_status::temporary,
                fmt::format("cannot connect to {} port {}: {}", host, port, error.message()));
        co_return result;
    }
    asio::streambuf buffer(reply_line_max * 4);

    if (settings.implicit_tls) {
        beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), tls_context);
        const bool secured = co_await start_tls(secure, host, settings, result);
        if (!secured) {
            co_return result;
        }
        const reply greeting = co_await read_reply(secure, buffer, settings.command_timeout);
        if (greeting.code != 220) {
            set_all(result, recipient_status::temporary, greeting.text());
            co_return result;
        }
        result.reached = true;
        co_await finish_session(secure, buffer, settings, sender, message, result);
        co_return result;
    }

    const reply greeting = co_await read_reply(plain, buffer, settings.command_timeout);
    if (greeting.code != 220) {
        // Even a 554 greeting is no verdict on the recipients: another MX host or a later
        // attempt may take them.
        set_all(result, recipient_status::temporary, greeting.text());
        co_return result;
    }
    result.reached = true;
    const reply ehlo =
        co_await command(plain, buffer, "EHLO " + settings.client_name, settings.command_timeout);
    if (ehlo.code != 250) {
        set_all(result, status_of(ehlo.code) == recipient_status::permanent ? recipient_status::permanent
                                                                            : recipient_status::temporary,
                ehlo.text());
        co_return result;
    }

    if (!has_extension(ehlo, "STARTTLS")) {
        // Credentials never travel in cleartext.
        if (settings.require_tls || !settings.username.empty()) {
            set_all(result, recipient_status::temporary,
                    fmt::format("{} does not offer STARTTLS, which is required", host));
            co_await command(plain, buffer, "QUIT", settings.command_timeout);
            co_return result;
        }
        co_await run_transaction(plain, buffer, settings, sender, message, result);
        co_return result;
    }

    const reply ready = co_await command(plain, buffer, "STARTTLS", settings.command_timeout);
    if (ready.code != 220) {
        set_all(result, recipient_status::temporary, ready.text());
        co_return result;
    }
    // Nothing the server sent after its 220 may be used (RFC 3207 §4.2).
    buffer.consume(buffer.size());
    beast::ssl_stream<beast::tcp_stream> secure(std::move(plain), tls_context);
    const bool secured = co_await start_tls(secure, host, settings, result);
    if (!secured) {
        co_return result;
    }
    co_await finish_session(secure, buffer, settings, sender, message, result);
    co_return result;
}

} // namespace skrynka::delivery
