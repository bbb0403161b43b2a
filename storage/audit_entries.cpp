#include "storage/audit_entries.hpp"

#include <string>

namespace skrynka::storage {

std::string_view audit_protocol_name(audit_protocol protocol) noexcept {
    switch (protocol) {
    case audit_protocol::smtp:
        return "smtp";
    case audit_protocol::submission:
        return "submission";
    case audit_protocol::imap:
        return "imap";
    case audit_protocol::pop3:
        return "pop3";
    case audit_protocol::admin:
        return "admin";
    }
    return "unknown";
}

std::string_view login_failure_reason_name(login_failure_reason reason) noexcept {
    switch (reason) {
    case login_failure_reason::bad_credentials:
        return "bad_credentials";
    case login_failure_reason::unknown_account:
        return "unknown_account";
    case login_failure_reason::account_disabled:
        return "account_disabled";
    case login_failure_reason::rate_limited:
        return "rate_limited";
    case login_failure_reason::cleartext_refused:
        return "cleartext_refused";
    case login_failure_reason::malformed:
        return "malformed";
    }
    return "unknown";
}

audit_entry login_success_entry(audit_protocol protocol, std::string_view account,
                                std::string_view remote) {
    audit_entry entry;
    entry.actor = audit_actor::user;
    entry.event = audit_event::login_success;
    entry.subject = std::string(account);
    entry.remote = std::string(remote);
    entry.detail = "proto=" + std::string(audit_protocol_name(protocol));
    return entry;
}

audit_entry login_failure_entry(audit_protocol protocol, std::string_view address,
                                std::string_view remote, login_failure_reason reason) {
    audit_entry entry;
    entry.actor = audit_actor::user;
    entry.event = audit_event::login_failure;
    entry.subject = std::string(address);
    entry.remote = std::string(remote);
    entry.outcome = audit_outcome::failure;
    entry.detail = "proto=" + std::string(audit_protocol_name(protocol)) +
                   " reason=" + std::string(login_failure_reason_name(reason));
    return entry;
}

audit_entry delivery_entry(std::string_view account, std::uint64_t size_bytes,
                           audit_protocol protocol, std::string_view remote) {
    audit_entry entry;
    entry.actor = audit_actor::system;
    entry.event = audit_event::message_deliver;
    entry.subject = std::string(account);
    entry.remote = std::string(remote);
    entry.detail = "size=" + std::to_string(size_bytes) +
                   " proto=" + std::string(audit_protocol_name(protocol));
    return entry;
}

audit_entry expunge_entry(std::string_view account, std::string_view mailbox,
                          std::uint64_t message_count, std::string_view remote) {
    audit_entry entry;
    entry.actor = audit_actor::user;
    entry.event = audit_event::message_expunge;
    entry.subject = std::string(account) + "/" + std::string(mailbox);
    entry.remote = std::string(remote);
    entry.detail = "count=" + std::to_string(message_count);
    return entry;
}

} // namespace skrynka::storage
