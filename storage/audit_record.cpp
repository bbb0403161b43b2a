#include "storage/audit_record.hpp"

#include <algorithm>
#include <array>

namespace skrynka::storage {

namespace {

struct event_name {
    audit_event event;
    std::string_view name;
};

// The names are part of the chain: changing one breaks verification of old records.
constexpr std::array<event_name, 21> event_names{{
    {audit_event::server_start, "server.start"},
    {audit_event::server_stop, "server.stop"},
    {audit_event::config_load, "config.load"},
    {audit_event::login_success, "login.success"},
    {audit_event::login_failure, "login.failure"},
    {audit_event::key_slot_add, "key_slot.add"},
    {audit_event::key_slot_change, "key_slot.change"},
    {audit_event::key_slot_revoke, "key_slot.revoke"},
    {audit_event::account_create, "account.create"},
    {audit_event::account_delete, "account.delete"},
    {audit_event::alias_add, "alias.add"},
    {audit_event::alias_remove, "alias.remove"},
    {audit_event::message_deliver, "message.deliver"},
    {audit_event::message_expunge, "message.expunge"},
    {audit_event::account_export, "account.export"},
    {audit_event::account_import, "account.import"},
    {audit_event::account_wipe, "account.wipe"},
    {audit_event::admin_call, "admin.call"},
    {audit_event::audit_verify, "audit.verify"},
    {audit_event::audit_prune, "audit.prune"},
    {audit_event::backup_create, "backup.create"},
}};

constexpr std::array<audit_event, event_names.size()> events_in_order = [] {
    std::array<audit_event, event_names.size()> events{};
    for (std::size_t i = 0; i < event_names.size(); ++i) {
        events[i] = event_names[i].event;
    }
    return events;
}();

void append_u8(std::vector<unsigned char>& out, std::uint8_t value) {
    out.push_back(value);
}

void append_u64(std::vector<unsigned char>& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(value >> shift));
    }
}

void append_text(std::vector<unsigned char>& out, std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(size >> shift));
    }
    out.insert(out.end(), text.begin(), text.end());
}

} // namespace

std::string_view audit_event_name(audit_event event) noexcept {
    for (const auto& entry : event_names) {
        if (entry.event == event) {
            return entry.name;
        }
    }
    return "unknown";
}

std::optional<audit_event> parse_audit_event(std::string_view name) noexcept {
    for (const auto& entry : event_names) {
        if (entry.name == name) {
            return entry.event;
        }
    }
    return std::nullopt;
}

std::span<const audit_event> all_audit_events() noexcept {
    return events_in_order;
}

std::string_view audit_actor_name(audit_actor actor) noexcept {
    switch (actor) {
    case audit_actor::system:
        return "system";
    case audit_actor::user:
        return "user";
    case audit_actor::admin:
        return "admin";
    }
    return "unknown";
}

std::optional<audit_actor> parse_audit_actor(std::string_view name) noexcept {
    for (auto actor : {audit_actor::system, audit_actor::user, audit_actor::admin}) {
        if (audit_actor_name(actor) == name) {
            return actor;
        }
    }
    return std::nullopt;
}

std::string_view audit_outcome_name(audit_outcome outcome) noexcept {
    switch (outcome) {
    case audit_outcome::success:
        return "success";
    case audit_outcome::failure:
        return "failure";
    }
    return "unknown";
}

std::optional<audit_outcome> parse_audit_outcome(std::string_view name) noexcept {
    for (auto outcome : {audit_outcome::success, audit_outcome::failure}) {
        if (audit_outcome_name(outcome) == name) {
            return outcome;
        }
    }
    return std::nullopt;
}

std::string sanitize_audit_text(std::string_view text, std::size_t max_size) {
    constexpr std::string_view ellipsis = "...";
    constexpr char hex_digits[] = "0123456789abcdef";

    // Escape in pieces, one per input byte, so that a cut never splits an escape.
    std::vector<std::string> pieces;
    std::size_t escaped_size = 0;
    pieces.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte > 0x7e || byte == '\\') {
            pieces.push_back({'\\', 'x', hex_digits[byte >> 4], hex_digits[byte & 0x0f]});
        } else {
            pieces.emplace_back(1, c);
        }
        escaped_size += pieces.back().size();
    }

    std::string out;
    const bool cut = escaped_size > max_size;
    const std::size_t budget = cut ? max_size - std::min(max_size, ellipsis.size()) : max_size;
    for (const std::string& piece : pieces) {
        if (out.size() + piece.size() > budget) {
            break;
        }
        out += piece;
    }
    if (cut && max_size >= ellipsis.size()) {
        out += ellipsis;
    }
    return out;
}

std::vector<unsigned char> encode_audit_record(const audit_record& record) {
    std::vector<unsigned char> out;
    out.reserve(1 + 8 + 8 + 1 + 1 + 4 * 4 + record.event.size() + record.subject.size() +
                record.remote.size() + record.detail.size());
    append_u8(out, audit_format);
    append_u64(out, static_cast<std::uint64_t>(record.sequence));
    append_u64(out, static_cast<std::uint64_t>(record.time));
    append_u8(out, record.actor);
    append_text(out, record.event);
    append_text(out, record.subject);
    append_text(out, record.remote);
    append_u8(out, record.outcome);
    append_text(out, record.detail);
    return out;
}

crypto::digest chain_audit_record(const crypto::digest& previous, const audit_record& record) {
    std::vector<unsigned char> input(previous.begin(), previous.end());
    const auto encoded = encode_audit_record(record);
    input.insert(input.end(), encoded.begin(), encoded.end());
    return crypto::hash(input);
}

} // namespace skrynka::storage
