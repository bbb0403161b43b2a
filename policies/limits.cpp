#include "policies/limits.hpp"

#include "crypto/key_slot.hpp"

#include <array>
#include <fmt/format.h>

namespace skrynka::policies {

namespace {

// The Argon2id maxima are the largest parameters crypto::seal_key_slot accepts. The
// minimum memory (8 MiB) is far below a safe value. It exists so that tests can create
// key slots quickly, and production instances keep the default.
constexpr std::int64_t max_argon2_ops = static_cast<std::int64_t>(crypto::argon2_max_ops_limit);
constexpr std::int64_t max_argon2_memory_kib =
    static_cast<std::int64_t>(crypto::argon2_max_mem_limit_bytes / 1024);

constexpr std::array registry{
    limit{"argon2_ops", "passes", "Argon2id passes (time cost) for new key slots", 3, 1,
          max_argon2_ops, &limit_values::argon2_ops},
    limit{"argon2_memory_kib", "KiB", "Argon2id memory for new key slots", 65536, 8192,
          max_argon2_memory_kib, &limit_values::argon2_memory_kib},
    limit{"password_min_length", "characters", "Shortest password accepted for a new key slot", 12,
          8, 128, &limit_values::password_min_length},
    limit{"password_max_length", "bytes", "Longest password accepted or read", 1024, 64, 4096,
          &limit_values::password_max_length},
    limit{"key_cache_seconds", "seconds",
          "How long an unlocked user key stays cached after the user's last session, 0 to disable",
          600, 0, 86400, &limit_values::key_cache_seconds},
    limit{"login_unwraps_concurrent_max", "unwraps",
          "Argon2id key-slot unwraps that logins run at once, each using argon2_memory_kib", 2, 1,
          64, &limit_values::login_unwraps_concurrent_max},
    limit{"audit_checkpoint_interval", "records",
          "Most audit records between two signed checkpoints", 100, 1, 100,
          &limit_values::audit_checkpoint_interval},
    limit{"audit_checkpoint_seconds", "seconds",
          "Longest time an audit record waits for a signed checkpoint", 600, 1, 600,
          &limit_values::audit_checkpoint_seconds},
    limit{"audit_retention_days", "days", "Age after which audit records are pruned", 400, 1, 36500,
          &limit_values::audit_retention_days},
    limit{"imap_line_max_bytes", "bytes", "Longest IMAP command line, literals not counted", 65536,
          8192, 1048576, &limit_values::imap_line_max_bytes},
    limit{"imap_literal_max_bytes", "bytes", "Largest IMAP literal outside APPEND after login",
          65536, 1024, 16777216, &limit_values::imap_literal_max_bytes},
    limit{"imap_literal_max_bytes_unauthenticated", "bytes", "Largest IMAP literal before login",
          1024, 256, 8192, &limit_values::imap_literal_max_bytes_unauthenticated},
    limit{"imap_append_max_bytes", "bytes", "Largest message IMAP APPEND accepts (APPENDLIMIT)",
          50 * 1024 * 1024, 65536, 1024LL * 1024 * 1024, &limit_values::imap_append_max_bytes},
    limit{"imap_commands_before_auth", "commands", "IMAP commands accepted before login", 30, 5,
          1000, &limit_values::imap_commands_before_auth},
    limit{"imap_idle_seconds", "seconds",
          "IMAP inactivity timeout after login (RFC 3501 requires at least 30 minutes)", 1860, 1800,
          86400, &limit_values::imap_idle_seconds},
    limit{"imap_idle_seconds_unauthenticated", "seconds", "IMAP inactivity timeout before login",
          60, 1, 600, &limit_values::imap_idle_seconds_unauthenticated},
    limit{"imap_connections_per_address_max", "connections",
          "Concurrent IMAP connections from one IP address", 10, 1, 10000,
          &limit_values::imap_connections_per_address_max},
    limit{"cleartext_login_on_loopback", "switch",
          "Allow login without TLS from loopback addresses, 1 to allow, 0 to require TLS", 1, 0, 1,
          &limit_values::cleartext_login_on_loopback},
    // RFC 5321 §4.5.3.1.4 sets 512 octets and lets extensions raise it.
    limit{"smtp_command_line_max", "bytes", "Longest SMTP command line, CR LF included", 512, 512,
          4096, &limit_values::smtp_command_line_max},
    // RFC 5321 §4.5.3.1.6 sets 1000 octets, and RFC 5322 §2.1.1 forbids longer lines.
    limit{"smtp_text_line_max", "bytes", "Longest line of message text, CR LF included", 1000, 1000,
          65536, &limit_values::smtp_text_line_max},
    limit{"smtp_message_size_max", "bytes",
          "Largest message accepted over SMTP, before trace headers, advertised as SIZE",
          50LL * 1024 * 1024, 64 * 1024, 1024LL * 1024 * 1024,
          &limit_values::smtp_message_size_max},
    // RFC 5321 §4.5.3.1.8 requires room for at least 100 recipients.
    limit{"smtp_recipients_max", "recipients", "Recipients accepted per SMTP transaction", 100, 100,
          10000, &limit_values::smtp_recipients_max},
    limit{"smtp_commands_before_mail_max", "commands",
          "SMTP commands outside a transaction before the session is closed with 421", 50, 10, 1000,
          &limit_values::smtp_commands_before_mail_max},
    limit{"smtp_errors_max", "replies",
          "SMTP error replies per session before it is closed with 421", 10, 1, 100,
          &limit_values::smtp_errors_max},
    limit{"smtp_connections_per_address_max", "connections",
          "Concurrent SMTP connections from one IP address", 10, 1, 1000,
          &limit_values::smtp_connections_per_address_max},
    limit{"smtp_initial_greeting_seconds", "seconds",
          "Outbound SMTP wait for the 220 greeting, as in RFC 5321 4.5.3.2.1", 300, 1, 3600,
          &limit_values::smtp_initial_greeting_seconds},
    limit{"smtp_mail_rcpt_seconds", "seconds",
          "Outbound SMTP wait for the MAIL and RCPT replies, as in RFC 5321 4.5.3.2.2", 300, 1,
          3600, &limit_values::smtp_mail_rcpt_seconds},
    limit{"smtp_data_initiation_seconds", "seconds",
          "Outbound SMTP wait for the 354 reply, as in RFC 5321 4.5.3.2.4", 120, 1, 3600,
          &limit_values::smtp_data_initiation_seconds},
    limit{"smtp_data_block_seconds", "seconds",
          "SMTP wait for the next octets of message text, as in RFC 5321 4.5.3.2.5", 180, 1, 3600,
          &limit_values::smtp_data_block_seconds},
    limit{"smtp_data_termination_seconds", "seconds",
          "Outbound SMTP wait for the reply after the final dot, as in RFC 5321 4.5.3.2.6", 600, 1,
          3600, &limit_values::smtp_data_termination_seconds},
    limit{"smtp_server_idle_seconds", "seconds",
          "SMTP server wait for the next command, as in RFC 5321 4.5.3.2.7", 300, 1, 3600,
          &limit_values::smtp_server_idle_seconds},
    limit{"login_failures_max", "failures",
          "Failed logins from one address within the window before its logins are refused", 10, 1,
          1000, &limit_values::login_failures_max},
    limit{"login_failure_window_seconds", "seconds", "How long a failed login is counted", 900, 60,
          86400, &limit_values::login_failure_window_seconds},
    limit{"pop3_line_max", "octets", "Longest POP3 command line, CR LF included", 2048, 255, 65536,
          &limit_values::pop3_line_max},
    limit{"pop3_commands_before_auth_max", "commands",
          "POP3 commands accepted before a login, then the session is closed", 20, 5, 1000,
          &limit_values::pop3_commands_before_auth_max},
    limit{"pop3_errors_max", "replies", "POP3 error replies per session, then it is closed", 10, 1,
          100, &limit_values::pop3_errors_max},
    limit{"pop3_idle_timeout_seconds", "seconds",
          "POP3 inactivity timeout, which RFC 1939 requires to be 10 minutes or more", 600, 600,
          86400, &limit_values::pop3_idle_timeout_seconds},
    limit{"pop3_connections_per_address_max", "connections",
          "Concurrent POP3 connections from one IP address", 10, 1, 1000,
          &limit_values::pop3_connections_per_address_max},
    limit{"admin_header_max_bytes", "bytes",
          "Longest admin HTTP request line and header fields together", 8192, 1024, 65536,
          &limit_values::admin_header_max_bytes},
    limit{"admin_body_max_bytes", "bytes", "Largest admin HTTP request body", 65536, 1024,
          1048576, &limit_values::admin_body_max_bytes},
    limit{"admin_request_seconds", "seconds",
          "Time to read one admin HTTP request, and the idle time between two", 30, 1, 600,
          &limit_values::admin_request_seconds},
    limit{"admin_connections_per_address_max", "connections",
          "Concurrent admin HTTP connections from one IP address", 10, 1, 1000,
          &limit_values::admin_connections_per_address_max},
    limit{"submission_messages_per_hour", "messages",
          "Messages one account may submit within an hour", 200, 1, 100000,
          &limit_values::submission_messages_per_hour},
    limit{"submission_recipients_per_hour", "recipients",
          "Recipients one account may submit to within an hour", 1000, 1, 1000000,
          &limit_values::submission_recipients_per_hour},
    limit{"delivery_retry_seconds", "seconds",
          "First wait before retrying a temporary delivery failure, doubled per attempt", 1800, 1,
          14400, &limit_values::delivery_retry_seconds},
    limit{"delivery_max_age_hours", "hours",
          "Age at which an undelivered message is bounced to its sender", 120, 1, 720,
          &limit_values::delivery_max_age_hours},
};

constexpr bool defaults_match_registry() {
    const limit_values defaults;
    for (const limit& definition : registry) {
        if (defaults.*definition.field != definition.default_value) {
            return false;
        }
        if (definition.default_value < definition.minimum ||
            definition.default_value > definition.maximum) {
            return false;
        }
    }
    return true;
}
static_assert(defaults_match_registry(),
              "limit_values defaults must equal the registry defaults and lie in range");

} // namespace

std::span<const limit> all_limits() noexcept {
    return registry;
}

const limit* find_limit(std::string_view name) noexcept {
    for (const limit& definition : registry) {
        if (definition.name == name) {
            return &definition;
        }
    }
    return nullptr;
}

std::optional<std::string> check_limit(const limit& definition, std::int64_t value) {
    if (value < definition.minimum) {
        return fmt::format("{} is below the minimum {}", value, definition.minimum);
    }
    if (value > definition.maximum) {
        return fmt::format("{} is above the maximum {}", value, definition.maximum);
    }
    return std::nullopt;
}

std::optional<limit_conflict> check_limit_relations(const limit_values& values) {
    // A password is counted in characters for the minimum and in bytes for the maximum.
    // One character takes at least one byte, so min <= max keeps some password valid.
    if (values.password_min_length > values.password_max_length) {
        return limit_conflict{"password_min_length",
                              fmt::format("{} is above limits.password_max_length ({})",
                                          values.password_min_length, values.password_max_length)};
    }
    return std::nullopt;
}

} // namespace skrynka::policies
