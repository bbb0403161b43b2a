// Sender binding and header completion for submission (RFC 6409 §8, RFC 5322 §3.6);
// see submission_policy.hpp.
#include "src/smtp/submission_policy.hpp"

#include "crypto/encoding.hpp"
#include "crypto/secret.hpp"
#include "policies/address.hpp"
#include "src/mime/address.hpp"
#include "src/mime/header.hpp"
#include "src/smtp/trace_header.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace skrynka::smtp {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        return lower(x) == lower(y);
    });
}

// Limits under which no header field is skipped: a sender field the parser skipped
// would reach the recipient's reader unchecked.
mime::limits unbounded_header_limits() {
    mime::limits bounds;
    bounds.max_header_fields_ = std::numeric_limits<std::size_t>::max();
    bounds.max_header_line_length_ = std::numeric_limits<std::size_t>::max();
    bounds.max_header_field_length_ = std::numeric_limits<std::size_t>::max();
    bounds.max_addresses_ = std::numeric_limits<std::size_t>::max();
    return bounds;
}

bool has_field(const mime::header_section& header, std::string_view name) {
    return std::any_of(header.fields_.begin(), header.fields_.end(),
                       [name](const mime::raw_header_field& field) {
                           return equals_ignoring_case(field.name_, name);
                       });
}

} // namespace

bool is_own_address(std::string_view address, const std::vector<std::string>& own_addresses) {
    std::error_code error;
    const std::optional<policies::address> parsed = policies::parse_address(address, error);
    if (!parsed) {
        return false;
    }
    if (std::find(own_addresses.begin(), own_addresses.end(), parsed->text()) !=
        own_addresses.end()) {
        return true;
    }
    // "base+tag" is the subaddress form that delivery also resolves to "base".
    const std::size_t plus = parsed->local_part.find('+');
    if (plus == std::string::npos || plus == 0) {
        return false;
    }
    const std::string base = parsed->local_part.substr(0, plus) + "@" + parsed->domain;
    return std::find(own_addresses.begin(), own_addresses.end(), base) != own_addresses.end();
}

std::optional<errc> check_header_senders(std::string_view message,
                                         const std::vector<std::string>& own_addresses) {
    const mime::limits bounds = unbounded_header_limits();
    const mime::header_section header = mime::parse_header(message, bounds);

    // Every From and Sender field counts, not only the first: a reader may show any of
    // them. Group markers carry no address and are skipped.
    std::size_t from_addresses = 0;
    for (const mime::raw_header_field& field : header.fields_) {
        const bool from = equals_ignoring_case(field.name_, "From");
        const bool sender = equals_ignoring_case(field.name_, "Sender");
        if (!from && !sender) {
            continue;
        }
        const mime::address_list list =
            mime::parse_address_list(field.value_, bounds.max_addresses_);
        for (const mime::address& entry : list.addresses_) {
            if (entry.kind_ != mime::address_kind::mailbox) {
                continue;
            }
            if (entry.host_.empty() ||
                !is_own_address(entry.mailbox_ + "@" + entry.host_, own_addresses)) {
                return errc::header_sender_not_owned;
            }
            if (from) {
                ++from_addresses;
            }
        }
    }
    if (from_addresses == 0) {
        return errc::header_from_missing;
    }
    return std::nullopt;
}

std::string missing_header_fields(std::string_view message, std::string_view hostname,
                                  std::chrono::system_clock::time_point now) {
    const mime::limits bounds = unbounded_header_limits();
    const mime::header_section header = mime::parse_header(message, bounds);

    std::string fields;
    if (!has_field(header, "Date")) {
        fields += fmt::format("Date: {}\r\n", format_rfc5322_date(now));
    }
    if (!has_field(header, "Message-ID")) {
        const crypto::secret_bytes random = crypto::secret_bytes::random(16);
        fields += fmt::format("Message-ID: <{}@{}>\r\n", crypto::hex_encode(random.bytes()),
                              hostname);
    }
    return fields;
}

} // namespace skrynka::smtp
