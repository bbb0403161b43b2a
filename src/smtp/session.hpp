// SMTP receiving session (RFC 5321 §3 and §4) as a pure state machine over bytes.
// Extensions: PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), CHUNKING and
// BINARYMIME (RFC 3030), SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034, RFC 3463)
// and STARTTLS (RFC 3207). In submission mode (RFC 6409, ports 587 and 465) it adds AUTH
// PLAIN and LOGIN (RFC 4954, RFC 4616) and binds the senders to the account that logged
// in. The I/O loop feeds the octets it reads and writes the replies.
#pragma once

#include "src/net/line_reader.hpp"
#include "src/smtp/authenticator.hpp"
#include "src/smtp/command.hpp"
#include "src/smtp/data_reader.hpp"
#include "src/smtp/delivery_sink.hpp"
#include "src/smtp/envelope.hpp"
#include "src/smtp/error.hpp"
#include "src/smtp/limits.hpp"
#include "src/smtp/recipient_policy.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp {

struct session_config {
    std::string hostname;       // our name in the greeting, EHLO reply and Received
    std::string session_id;     // unique per connection; queue ids are derived from it
    std::string remote_address; // client IP address without port
    bool tls_available = false; // a certificate is configured, so STARTTLS is offered
    // Submission mode: AUTH is offered once TLS is active, MAIL requires it, the envelope
    // and header senders must belong to the account, and Date and Message-ID are added.
    bool submission = false;
    // Whether the Received field names the client's EHLO name and IP address. Submission
    // may leave them out: they tell every recipient where the sender was.
    bool received_names_client = true;
    smtp_limits limits;
    // Time source for the Received header; system_clock::now when empty.
    std::function<std::chrono::system_clock::time_point()> clock;
};

// The TLS session after STARTTLS, as it appears in the Received header.
struct tls_details {
    std::string version; // e.g. "TLSv1.3"
    std::string cipher;  // e.g. "TLS_AES_256_GCM_SHA384"
};

// Next action of the I/O loop after it wrote `replies`.
enum class next_step {
    read,      // read more input and feed it
    start_tls, // discard all buffered input, run the TLS handshake, then call tls_started()
    close,     // close the connection
    // Only in deferred mode: decide on pending_recipient(), then call recipient_checked().
    check_recipient,
    // Only in deferred mode: store pending_message(), then call delivery_finished().
    deliver,
    // Only in deferred mode: check pending_login_name() and pending_password(), then
    // call authentication_finished().
    authenticate,
};

struct session_output {
    std::string replies; // complete reply lines in command order
    // Log events as "event=... key=value" fragments; the I/O loop adds the session fields.
    std::vector<std::string> events;
    next_step step = next_step::read;
};

struct session_counters {
    std::uint64_t commands = 0;
    std::uint64_t errors = 0;
    std::uint64_t messages_accepted = 0;
    std::uint64_t messages_rejected = 0;
    std::uint64_t recipients_accepted = 0;
    std::uint64_t recipients_rejected = 0;
    std::uint64_t auth_failures = 0;
};

// One SMTP session, one per connection. Not thread-safe.
//
// The session asks two questions that may block: may this recipient receive mail, and
// is the message stored. In immediate mode it calls `policy` and `sink` in the middle of
// feed(). In deferred mode feed() stops at the question instead, keeps the octets not
// yet processed, and returns next_step::check_recipient or next_step::deliver; the I/O
// loop finds the answer off its own thread and hands it to recipient_checked() or
// delivery_finished(), which carry on with the kept octets. Replies stay in command
// order either way (RFC 2920 §3.2).
class session {
  public:
    // Immediate mode. `policy` and `sink` must outlive the session.
    session(session_config config, recipient_policy& policy, delivery_sink& sink);
    // Immediate mode with AUTH for submission. `users` must outlive the session.
    session(session_config config, recipient_policy& policy, delivery_sink& sink,
            authenticator& users);
    // Deferred mode.
    explicit session(session_config config);

    // Returns the 220 greeting (RFC 5321 §4.3.1). Call once, before feed().
    session_output greet();

    // Processes every complete command line or message chunk in `input` and keeps an
    // incomplete line (bounded by the line limits) for the next call. Writing the
    // returned replies after each call is the "flush when the input is drained" rule of
    // RFC 2920 §3.2, since all octets read so far have been consumed. In deferred mode
    // it may stop at a question instead; call it again only after the answer.
    session_output feed(std::string_view input);

    // Resets the session after a completed TLS handshake (RFC 3207 §4.2): no EHLO, no
    // transaction, nothing kept from before the handshake. Returns no replies.
    session_output tls_started(const tls_details& tls);

    // How long the I/O loop waits for the next octets before closing the session.
    std::chrono::seconds read_timeout() const;

    // The open transaction and the recipient to decide on, valid after feed() returned
    // next_step::check_recipient and until recipient_checked().
    const envelope& pending_transaction() const;
    const mailbox& pending_recipient() const;
    // Completes the RCPT with `decision`, then processes the kept input. An accepted
    // recipient keeps `route` beside it in envelope::recipient_routes.
    session_output recipient_checked(recipient_decision decision, std::int64_t route = 0);

    // The message to store, with our trace headers in front, and its envelope; valid
    // after feed() returned next_step::deliver and until delivery_finished(). The caller
    // may move the message out.
    const envelope& pending_delivery() const;
    std::string& pending_message();
    // Replies to the end of data with `results` (one per envelope recipient, as
    // delivery_sink::deliver returns them), then processes the kept input.
    session_output delivery_finished(const std::vector<delivery_status>& results);

    // The credentials to check, valid after feed() returned next_step::authenticate and
    // until authentication_finished().
    const std::string& pending_login_name() const;
    const crypto::secret_bytes& pending_password() const;
    // Replies to AUTH with `outcome`, then processes the kept input.
    session_output authentication_finished(const auth_outcome& outcome);

    // The canonical address of the account that logged in; empty before AUTH succeeded.
    const std::string& authenticated_user() const;

    const session_counters& counters() const { return counters_; }
    // Why the session asked to close: "quit" or the name of a closing_* error such as
    // "too_many_errors"; empty while it is open.
    std::string_view close_reason() const { return close_reason_; }

  private:
    enum class mode { command, data, bdat, awaiting_tls, sasl_response, closed };
    // What the next line means while mode is sasl_response.
    enum class sasl_step { plain_response, login_username, login_password };
    enum class greeting { none, helo, ehlo };

    void handle_line(const net::line& line, session_output& out);
    void handle_command(const net::line& line, session_output& out);
    void handle_hello(const command_line& command, session_output& out);
    void handle_starttls(const command_line& command, session_output& out);
    void handle_auth(const command_line& command, session_output& out);
    void handle_sasl_response(const net::line& line, session_output& out);
    void decode_plain(std::string_view response, session_output& out);
    void decode_login_username(std::string_view response, session_output& out);
    void decode_login_password(std::string_view response, session_output& out);
    void ask_authentication(std::string login_name, crypto::secret_bytes password,
                            session_output& out);
    void reply_authenticated(const auth_outcome& outcome, session_output& out);
    void sasl_challenge(std::string_view challenge, sasl_step step, session_output& out);
    std::size_t command_line_limit() const;
    bool auth_offered() const;
    // Checks the senders of a submitted message and adds missing fields; returns the
    // rejection or nothing.
    std::optional<errc> prepare_submitted(std::string& message);
    void handle_mail(const command_line& command, session_output& out);
    void handle_rcpt(const command_line& command, session_output& out);
    void handle_data(const command_line& command, session_output& out);
    void handle_bdat(const command_line& command, session_output& out);
    void consume_bdat(std::string_view& input, session_output& out);
    void finish_data(session_output& out);
    void finish_bdat_chunk(session_output& out);
    void deliver(std::string& message, session_output& out);
    void reply_delivered(const envelope& transaction, std::size_t received_size,
                         const std::vector<delivery_status>& results, session_output& out);
    void reply_recipient(const mailbox& recipient, recipient_decision decision, std::int64_t route,
                         session_output& out);
    void process(std::string_view input, session_output& out);
    session_output resume_with(session_output& out);
    void reset_transaction();

    // Appends a reply that is not an error.
    void reply(session_output& out, int code, std::string_view status, std::string_view text);
    // Appends the reply for a client error, counts it, and closes the session with 421
    // once the error limit is reached.
    void error_reply(session_output& out, errc error);
    // Appends the 421 reply for `reason` and closes the session.
    void close_with(session_output& out, errc reason);

    // A question the I/O loop answers in deferred mode.
    struct pending_question {
        next_step step = next_step::read; // check_recipient or deliver
        mailbox recipient;
        envelope transaction; // a copy for deliver, since the transaction ends first
        std::string message;
        std::size_t received_size = 0;
        std::string login_name; // for authenticate
        crypto::secret_bytes password;
    };

    session_config config_;
    recipient_policy* policy_; // both null in deferred mode
    delivery_sink* sink_;
    authenticator* users_ = nullptr; // null in deferred mode and without AUTH
    std::optional<pending_question> pending_;
    // Input read but not yet processed while a question is pending.
    std::string held_input_;
    net::line_reader lines_;

    mode mode_ = mode::command;
    greeting greeting_ = greeting::none;
    std::string helo_name_;
    std::optional<tls_details> tls_;

    // AUTH exchange in progress, and its outcome once it succeeded.
    sasl_step sasl_step_ = sasl_step::plain_response;
    std::string sasl_username_;
    std::optional<auth_outcome> authenticated_;

    // The open transaction, from an accepted MAIL until the message ends or RSET.
    std::optional<envelope> transaction_;
    bool transaction_used_bdat_ = false;
    std::optional<data_reader> data_;

    // BDAT chunk in progress.
    std::uint64_t bdat_remaining_ = 0;
    bool bdat_last_ = false;
    std::string bdat_message_;
    // Error reply due once the chunk has been read and dropped; empty to keep the chunk.
    std::optional<errc> bdat_error_;

    std::uint64_t transactions_ = 0;
    std::size_t commands_without_mail_ = 0;
    session_counters counters_;
    std::string close_reason_;
};

} // namespace skrynka::smtp
