#include "storage/audit_checkpoint.hpp"

#include "crypto/encoding.hpp"

#include <algorithm>
#include <charconv>

namespace skrynka::storage {

namespace {

constexpr std::string_view checkpoint_context = "skrynka audit checkpoint 1";

void append_u64(std::vector<unsigned char>& out, std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(value >> shift));
    }
}

} // namespace

std::string_view audit_checkpoint_kind_name(std::uint8_t kind) noexcept {
    switch (static_cast<audit_checkpoint_kind>(kind)) {
    case audit_checkpoint_kind::periodic:
        return "periodic";
    case audit_checkpoint_kind::shutdown:
        return "shutdown";
    case audit_checkpoint_kind::on_request:
        return "on_request";
    case audit_checkpoint_kind::pruning:
        return "pruning";
    }
    return "unknown";
}

std::string format_audit_position(const audit_position& position) {
    return std::to_string(position.sequence) + ":" + crypto::hex_encode(position.hash);
}

std::optional<audit_position> parse_audit_position(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return std::nullopt;
    }

    audit_position position;
    const std::string_view number = text.substr(0, colon);
    if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), position.sequence);
    if (error != std::errc{} || end != number.data() + number.size() || position.sequence < 1) {
        return std::nullopt;
    }

    const auto hash = crypto::hex_decode(text.substr(colon + 1));
    if (!hash || hash->size() != position.hash.size()) {
        return std::nullopt;
    }
    std::copy(hash->begin(), hash->end(), position.hash.begin());
    return position;
}

std::vector<unsigned char> audit_checkpoint_message(const audit_checkpoint& checkpoint) {
    std::vector<unsigned char> message(checkpoint_context.begin(), checkpoint_context.end());
    message.push_back(checkpoint.kind);
    append_u64(message, static_cast<std::uint64_t>(checkpoint.sequence));
    append_u64(message, static_cast<std::uint64_t>(checkpoint.time));
    message.insert(message.end(), checkpoint.hash.begin(), checkpoint.hash.end());
    return message;
}

} // namespace skrynka::storage
