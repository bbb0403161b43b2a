// Named limits: every number an operator may tune, with its unit, default and allowed
// range. The config loader checks each [limits] key against this registry at start-up
// and rejects an out-of-range value before the server starts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace skrynka::policies {

// The current value of every limit. A default-constructed value contains the registry
// defaults.
struct limit_values {
    // Argon2id passes for new key slots. The default is libsodium 1.0.18's
    // crypto_pwhash_argon2id_OPSLIMIT_MODERATE (3), as crypto::default_argon2_params().
    std::int64_t argon2_ops = 3;
    // Argon2id memory for new key slots, in KiB. The default, 64 MiB, is libsodium
    // 1.0.18's crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE, as
    // crypto::default_argon2_params(), so that a few concurrent logins fit on a small
    // server.
    std::int64_t argon2_memory_kib = 65536;
    std::int64_t password_min_length = 12;
    std::int64_t password_max_length = 1024;
    // How long an unlocked user key stays cached after the user's last session ends.
    // 0 disables the cache.
    std::int64_t key_cache_seconds = 600;
    // Argon2id key-slot unwraps that logins run at once. Each allocates argon2_memory_kib,
    // so this bounds the memory a burst of logins takes; further logins wait their turn.
    std::int64_t login_unwraps_concurrent_max = 2;
    // At most this many audit records between two signed checkpoints. The maximum of 100
    // is the most records an operator may leave unsigned.
    std::int64_t audit_checkpoint_interval = 100;
    // Records older than this are signed by the next timer check, even when fewer than
    // audit_checkpoint_interval have been written.
    std::int64_t audit_checkpoint_seconds = 600;
    // Audit records older than this are pruned, behind a signed pruning checkpoint.
    std::int64_t audit_retention_days = 400;

    // IMAP (RFC 3501). A command line is counted without its literals; RFC 7162 section 4
    // recommends that clients keep lines under 8192 octets, so the default leaves room.
    std::int64_t imap_line_max_bytes = 65536;
    // The largest literal accepted outside APPEND once logged in, and the largest one
    // accepted before login, where only LOGIN and AUTHENTICATE take literals.
    std::int64_t imap_literal_max_bytes = 65536;
    std::int64_t imap_literal_max_bytes_unauthenticated = 1024;
    // The largest message APPEND accepts, advertised as APPENDLIMIT (RFC 7889).
    std::int64_t imap_append_max_bytes = 50 * 1024 * 1024;
    // Commands accepted before a successful login; the session then ends with BYE.
    std::int64_t imap_commands_before_auth = 30;
    // Inactivity before the server ends a session. RFC 3501 section 5.4 requires at least
    // 30 minutes once logged in; before login a short timer frees the connection sooner.
    std::int64_t imap_idle_seconds = 1860;
    std::int64_t imap_idle_seconds_unauthenticated = 60;
    // Concurrent IMAP connections from one IP address. Mail clients open a few per
    // account, and a household behind one NAT address shares the count.
    std::int64_t imap_connections_per_address_max = 10;
    // 1 lets a client on a loopback address log in without TLS (a local fetchmail or a
    // test client); 0 requires TLS from every address.
    std::int64_t cleartext_login_on_loopback = 1;

    // SMTP receiving (RFC 5321 §4.5.3). Line limits count the octets including CR LF.
    std::int64_t smtp_command_line_max = 512;
    std::int64_t smtp_text_line_max = 1000;
    std::int64_t smtp_message_size_max = 50 * 1024 * 1024;
    std::int64_t smtp_recipients_max = 100;
    std::int64_t smtp_commands_before_mail_max = 50;
    std::int64_t smtp_errors_max = 10;
    std::int64_t smtp_connections_per_address_max = 10;
    // RFC 5321 §4.5.3.2 timeouts in seconds. The server waits server_idle for a command
    // and data_block for the next octets of message text. The other four are the
    // client-side values of §4.5.3.2.1 to .6, for the outbound side.
    std::int64_t smtp_initial_greeting_seconds = 300;
    std::int64_t smtp_mail_rcpt_seconds = 300;
    std::int64_t smtp_data_initiation_seconds = 120;
    std::int64_t smtp_data_block_seconds = 180;
    std::int64_t smtp_data_termination_seconds = 600;
    std::int64_t smtp_server_idle_seconds = 300;
    // Failed logins are counted per remote address over every protocol. Once an address
    // has login_failures_max failures within the window, its logins are refused.
    std::int64_t login_failures_max = 10;
    std::int64_t login_failure_window_seconds = 900;

    // POP3 (RFC 1939, RFC 2449). The line limit counts the octets of a command line
    // including CR LF. RFC 2449 section 4 allows commands of 255 octets, and AUTH PLAIN
    // with an initial response needs more. RFC 1939 section 3 requires an inactivity
    // timer of at least 10 minutes.
    std::int64_t pop3_line_max = 2048;
    std::int64_t pop3_commands_before_auth_max = 20;
    std::int64_t pop3_errors_max = 10;
    std::int64_t pop3_idle_timeout_seconds = 600;
    std::int64_t pop3_connections_per_address_max = 10;

    // The admin endpoint (HTTP/1.1, RFC 9112). The header limit counts the request line
    // and every header field; the body limit the octets of a request body.
    std::int64_t admin_header_max_bytes = 8192;
    std::int64_t admin_body_max_bytes = 65536;
    // Time allowed to read one whole request, and the idle time of a kept-alive
    // connection between two requests.
    std::int64_t admin_request_seconds = 30;
    std::int64_t admin_connections_per_address_max = 10;
    // Submission (RFC 6409): what one account may send within a sliding hour. A message
    // counts when its first recipient is accepted, a recipient when RCPT is accepted.
    std::int64_t submission_messages_per_hour = 200;
    std::int64_t submission_recipients_per_hour = 1000;
    // Outbound delivery: the wait before the first retry after a temporary failure, which
    // doubles with each attempt up to 4 hours, and the age at which a message that still
    // failed only temporarily is bounced. RFC 5321 §4.5.4.1 suggests at least 30 minutes
    // between retries and giving up after 4 to 5 days.
    std::int64_t delivery_retry_seconds = 1800;
    std::int64_t delivery_max_age_hours = 120;
};

// One tunable limit: its config key under [limits], the unit its value is counted in,
// and the inclusive range the config loader accepts.
struct limit {
    std::string_view name;
    std::string_view unit;
    std::string_view description;
    std::int64_t default_value;
    std::int64_t minimum;
    std::int64_t maximum;
    std::int64_t limit_values::*field;
};

// Returns every limit, in the order the example config lists them.
std::span<const limit> all_limits() noexcept;

// Returns the limit whose config key is name, or nullptr when there is none.
const limit* find_limit(std::string_view name) noexcept;

// Checks value against the range of definition. Returns nothing when the value is
// allowed, else the reason in the form "3 is below the minimum 8".
std::optional<std::string> check_limit(const limit& definition, std::int64_t value);

// Checks the rules that involve more than one limit. Returns nothing when values are
// consistent, else the name of the limit to blame and the reason.
struct limit_conflict {
    std::string_view name;
    std::string reason;
};
std::optional<limit_conflict> check_limit_relations(const limit_values& values);

} // namespace skrynka::policies
