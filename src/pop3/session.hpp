// POP3 server session (RFC 1939): the AUTHORIZATION, TRANSACTION and UPDATE states over
// bytes, with CAPA (RFC 2449), STLS (RFC 2595 section 4) and AUTH PLAIN (RFC 5034,
// RFC 4616). The I/O loop feeds the octets it reads; the engine writes its responses
// through a response_writer and reads messages through the maildrop interface.
#pragma once

#include "src/net/line_reader.hpp"
#include "src/pop3/command.hpp"
#include "src/pop3/error.hpp"
#include "src/pop3/limits.hpp"
#include "src/pop3/maildrop.hpp"

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::pop3 {

struct session_config {
    std::string hostname; // our name in the greeting
    // A certificate is configured, so STLS is offered until TLS is active.
    bool tls_available = false;
    // The connection started with TLS (the POP3S port).
    bool implicit_tls = false;
    // USER, PASS and AUTH are accepted before TLS. The I/O loop sets this from the auth
    // policy, which allows it for loopback clients only.
    bool cleartext_login_allowed = false;
    pop3_limits limits;
    // Receives log events as "event=... key=value" fragments. May be empty.
    std::function<void(std::string_view)> log;
};

// Destination of the engine's responses. The engine batches them and calls write when its
// input is used up or its buffer is full, so pipelined commands get their responses in
// order without waiting for more input (RFC 2449 section 6.6).
class response_writer {
  public:
    virtual ~response_writer() = default;
    virtual boost::asio::awaitable<void> write(std::string_view octets) = 0;
};

// Next action of the I/O loop after feed() returns.
enum class next_step {
    read,      // read more input and feed it
    start_tls, // drop all buffered input, run the TLS handshake, then call tls_started()
    close,     // close the connection
};

struct session_counters {
    std::uint64_t commands = 0;
    std::uint64_t errors = 0;
    std::uint64_t messages_retrieved = 0;
    std::uint64_t messages_deleted = 0; // removed in the UPDATE state
};

// One POP3 session, one per connection. Not thread-safe. `accounts` must outlive it.
class session {
  public:
    session(session_config config, authenticator& accounts);

    // Returns the greeting (RFC 1939 section 4). Call once, before feed().
    std::string greet();

    // Processes every complete command line in input and keeps an incomplete one for the
    // next call. Throws what out.write throws. After start_tls or close it must not be
    // called again, except feed after tls_started().
    boost::asio::awaitable<next_step> feed(std::string_view input, response_writer& out);

    // Resets the session after a completed TLS handshake: no USER, nothing kept from
    // before the handshake (RFC 2595 section 4).
    void tls_started();

    // How long the I/O loop waits for the next octets before closing the session. The
    // close does not enter the UPDATE state.
    std::chrono::seconds read_timeout() const { return config_.limits.idle_timeout; }

    const session_counters& counters() const { return counters_; }
    // The user after a successful login, else empty.
    const std::string& user() const { return user_; }
    // Why the session asked to close: "quit" or an error name; empty while it is open.
    std::string_view close_reason() const { return close_reason_; }

  private:
    enum class state { authorization, sasl_response, transaction, awaiting_tls, closed };

    boost::asio::awaitable<void> handle_line(const net::line& line, response_writer& out);
    boost::asio::awaitable<void> handle_authorization(const command& request);
    boost::asio::awaitable<void> handle_transaction(const command& request, response_writer& out);
    void handle_capa();
    void handle_stls(const command& request);
    boost::asio::awaitable<void> handle_user(const command& request);
    boost::asio::awaitable<void> reject_cleartext_login(std::string_view name);
    boost::asio::awaitable<void> handle_pass(const command& request);
    boost::asio::awaitable<void> handle_auth(const command& request);
    boost::asio::awaitable<void> finish_sasl_plain(std::string_view response);
    boost::asio::awaitable<void> log_in(std::string_view name, crypto::secret_bytes password);
    void handle_quit_in_authorization();

    void handle_stat();
    void handle_list(const command& request);
    void handle_uidl(const command& request);
    void handle_dele(const command& request);
    void handle_rset();
    boost::asio::awaitable<void> handle_retr(const command& request, response_writer& out);
    boost::asio::awaitable<void> handle_top(const command& request, response_writer& out);
    boost::asio::awaitable<void>
    send_message(std::size_t index, std::optional<std::uint64_t> body_lines, response_writer& out);
    boost::asio::awaitable<void> handle_quit_in_transaction();

    // Returns the index of an undeleted message named by text, or sends the -ERR.
    std::optional<std::size_t> find_message(std::string_view text);
    bool login_allowed() const { return tls_active_ || config_.cleartext_login_allowed; }
    boost::asio::awaitable<void> flush(response_writer& out);

    void ok(std::string_view text);
    // Returns "Maildrop has N messages (M octets)" for the whole maildrop, deleted or not.
    std::string maildrop_summary() const;
    // Appends the -ERR for error, counts it, and closes the session at the error limit.
    void error(errc code);
    // Appends the -ERR for reason and closes the session.
    void close_with(errc reason);
    void log(std::string_view fields) const;

    session_config config_;
    authenticator& accounts_;
    net::line_reader lines_;
    std::string pending_; // responses not yet written

    state state_ = state::authorization;
    bool tls_active_ = false;
    std::optional<std::string> user_name_; // from an accepted USER, until PASS
    std::size_t commands_before_auth_ = 0;

    std::unique_ptr<maildrop> drop_;
    std::vector<bool> deleted_;
    std::string user_;
    session_counters counters_;
    std::string close_reason_;
};

} // namespace skrynka::pop3
