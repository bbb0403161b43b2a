// ENVELOPE and BODYSTRUCTURE follow the RFC 3501 section 9 grammar (envelope,
// body-type-1part, body-type-mpart, body-ext-1part, body-ext-mpart).
#include "src/imap/message_render.hpp"

#include "src/imap/response_writer.hpp"
#include "src/mime/text.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

// NOTE: a NIL host marks a group in an ENVELOPE address, so an address without a
// domain gets this placeholder. The reserved .invalid name (RFC 2606) cannot be real.
constexpr std::string_view missing_host = "missing-domain.invalid";

std::string upper(std::string_view text) {
    std::string value(text);
    for (char& c : value) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 32);
        }
    }
    return value;
}

std::optional<std::string> non_empty(const std::string& value) {
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

void append_address_list(std::string& out, const std::vector<mime::address>& list) {
    if (list.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (const mime::address& address : list) {
        switch (address.kind_) {
        case mime::address_kind::group_start:
            out += "(NIL NIL ";
            append_string(out, address.mailbox_);
            out += " NIL)";
            break;
        case mime::address_kind::group_end:
            out += "(NIL NIL NIL NIL)";
            break;
        case mime::address_kind::mailbox:
            out += '(';
            append_nstring(out, non_empty(address.name_));
            out += ' ';
            append_nstring(out, non_empty(address.route_));
            out += ' ';
            append_string(out, address.mailbox_);
            out += ' ';
            append_string(out, address.host_.empty() ? missing_host : address.host_);
            out += ')';
            break;
        }
    }
    out += ')';
}

void append_parameters(std::string& out, const std::vector<mime::parameter>& parameters) {
    if (parameters.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (i > 0) {
            out += ' ';
        }
        append_string(out, upper(parameters[i].name_));
        out += ' ';
        append_string(out, parameters[i].value_);
    }
    out += ')';
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc, shared by both extension forms.
void append_disposition_language_location(std::string& out, const mime::body_part& part) {
    out += ' ';
    if (part.disposition_) {
        out += '(';
        append_string(out, upper(*part.disposition_));
        out += ' ';
        append_parameters(out, part.disposition_parameters_);
        out += ')';
    } else {
        out += "NIL";
    }
    out += ' ';
    if (part.languages_.empty()) {
        out += "NIL";
    } else if (part.languages_.size() == 1) {
        append_string(out, part.languages_.front());
    } else {
        out += '(';
        for (std::size_t i = 0; i < part.languages_.size(); ++i) {
            if (i > 0) {
                out += ' ';
            }
            append_string(out, part.languages_[i]);
        }
        out += ')';
    }
    out += ' ';
    append_nstring(out, part.location_);
}

void append_single_part(std::string& out, const mime::body_part& part, bool extensible) {
    out += '(';
    append_string(out, upper(part.type_));
    out += ' ';
    append_string(out, upper(part.subtype_));
    out += ' ';
    append_parameters(out, part.parameters_);
    out += ' ';
    append_nstring(out, part.id_);
    out += ' ';
    append_nstring(out, part.description_);
    out += ' ';
    append_string(out, upper(part.encoding_));
    out += fmt::format(" {}", part.body_length_);

    // IMAP4rev1 has the envelope form for MESSAGE/RFC822 only; message/global is sent
    // as a basic part.
    const bool rfc822 =
        part.type_ == "message" && part.subtype_ == "rfc822" && part.children_.size() == 1;
    if (rfc822) {
        out += ' ';
        append_envelope(out, part.envelope_ ? *part.envelope_ : mime::envelope{});
        out += ' ';
        append_body_structure(out, part.children_.front(), extensible);
        out += fmt::format(" {}", part.body_lines_);
    } else if (part.type_ == "text") {
        out += fmt::format(" {}", part.body_lines_);
    }

    if (extensible) {
        out += ' ';
        append_nstring(out, part.md5_);
        append_disposition_language_location(out, part);
    }
    out += ')';
}

void append_multipart(std::string& out, const mime::body_part& part, bool extensible) {
    out += '(';
    for (const mime::body_part& child : part.children_) {
        append_body_structure(out, child, extensible);
    }
    out += ' ';
    append_string(out, upper(part.subtype_));
    if (extensible) {
        out += ' ';
        append_parameters(out, part.parameters_);
        append_disposition_language_location(out, part);
    }
    out += ')';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

void append_envelope(std::string& out, const mime::envelope& envelope) {
    out += '(';
    append_nstring(out, envelope.date_);
    out += ' ';
    append_nstring(out, envelope.subject_);
    out += ' ';
    append_address_list(out, envelope.from_);
    out += ' ';
    append_address_list(out, envelope.sender_.empty() ? envelope.from_ : envelope.sender_);
    out += ' ';
    append_address_list(out, envelope.reply_to_.empty() ? envelope.from_ : envelope.reply_to_);
    out += ' ';
    append_address_list(out, envelope.to_);
    out += ' ';
    append_address_list(out, envelope.cc_);
    out += ' ';
    append_address_list(out, envelope.bcc_);
    out += ' ';
    append_nstring(out, envelope.in_reply_to_);
    out += ' ';
    append_nstring(out, envelope.message_id_);
    out += ')';
}

void append_body_structure(std::string& out, const mime::body_part& part, bool extensible) {
    // The summary never produces a multipart without children; the check keeps the
    // grammar (1*body) even for a summary built some other way.
    if (part.is_multipart() && !part.children_.empty()) {
        append_multipart(out, part, extensible);
    } else {
        append_single_part(out, part, extensible);
    }
}

std::string section_spec::label() const {
    std::string out;
    for (const std::uint32_t number : part) {
        if (!out.empty()) {
            out += '.';
        }
        out += std::to_string(number);
    }
    const auto append_text = [&](std::string_view name) {
        if (!out.empty()) {
            out += '.';
        }
        out.append(name);
    };
    switch (text) {
    case text_kind::none:
        break;
    case text_kind::header:
        append_text("HEADER");
        break;
    case text_kind::text:
        append_text("TEXT");
        break;
    case text_kind::mime:
        append_text("MIME");
        break;
    case text_kind::header_fields:
    case text_kind::header_fields_not:
        append_text(text == text_kind::header_fields ? "HEADER.FIELDS (" : "HEADER.FIELDS.NOT (");
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) {
                out += ' ';
            }
            append_astring(out, fields[i]);
        }
        out += ')';
        break;
    }
    return out;
}

std::optional<section_spec> parse_section(std::string_view text) {
    section_spec spec;
    while (!text.empty() && is_digit(text.front())) {
        std::uint64_t number = 0;
        std::size_t length = 0;
        while (length < text.size() && is_digit(text[length]) && length < 10) {
            number = number * 10 + static_cast<std::uint64_t>(text[length] - '0');
            ++length;
        }
        // section-part is made of nz-number, so part 0 is refused.
        if (number == 0 || number > 0xffffffffu || text.front() == '0') {
            return std::nullopt;
        }
        spec.part.push_back(static_cast<std::uint32_t>(number));
        text.remove_prefix(length);
        if (text.empty()) {
            return spec;
        }
        if (text.front() != '.') {
            return std::nullopt;
        }
        text.remove_prefix(1);
        if (text.empty()) {
            return std::nullopt;
        }
    }
    if (text.empty()) {
        return spec;
    }

    const auto starts_with = [&](std::string_view word) {
        return text.size() >= word.size() && mime::iequals(text.substr(0, word.size()), word);
    };
    if (mime::iequals(text, "HEADER")) {
        spec.text = section_spec::text_kind::header;
        return spec;
    }
    if (mime::iequals(text, "TEXT")) {
        spec.text = section_spec::text_kind::text;
        return spec;
    }
    if (mime::iequals(text, "MIME")) {
        if (spec.part.empty()) {
            return std::nullopt;
        }
        spec.text = section_spec::text_kind::mime;
        return spec;
    }
    std::string_view list;
    if (starts_with("HEADER.FIELDS.NOT (")) {
        spec.text = section_spec::text_kind::header_fields_not;
        list = text.substr(19);
    } else if (starts_with("HEADER.FIELDS (")) {
        spec.text = section_spec::text_kind::header_fields;
        list = text.substr(15);
    } else {
        return std::nullopt;
    }
    if (list.empty() || list.back() != ')') {
        return std::nullopt;
    }
    list.remove_suffix(1);
    // header-list = "(" header-fld-name *(SP header-fld-name) ")", names as astrings.
    while (true) {
        std::size_t length = 0;
        if (!list.empty() && list.front() == '"') {
            const std::size_t close = list.find('"', 1);
            if (close == std::string_view::npos) {
                return std::nullopt;
            }
            spec.fields.emplace_back(list.substr(1, close - 1));
            length = close + 1;
        } else {
            while (length < list.size() && list[length] != ' ') {
                ++length;
            }
            if (length == 0) {
                return std::nullopt;
            }
            spec.fields.emplace_back(list.substr(0, length));
        }
        list.remove_prefix(length);
        if (list.empty()) {
            return spec;
        }
        if (list.front() != ' ') {
            return std::nullopt;
        }
        list.remove_prefix(1);
    }
}

std::optional<byte_range> resolve_section(const mime::message_summary& summary,
                                          const section_spec& section) {
    using text_kind = section_spec::text_kind;
    const mime::body_part* node = &summary.body_;
    for (std::size_t step = 0; step < section.part.size(); ++step) {
        // Inside a message/rfc822 part the numbers refer to the encapsulated message.
        const mime::body_part* container = node;
        if (step > 0 && !node->is_multipart()) {
            if (!node->is_message() || node->children_.empty()) {
                return std::nullopt;
            }
            container = &node->children_.front();
        }
        const std::uint32_t number = section.part[step];
        if (container->is_multipart()) {
            if (number > container->children_.size()) {
                return std::nullopt;
            }
            node = &container->children_[number - 1];
        } else {
            if (number != 1) {
                return std::nullopt;
            }
            node = container;
        }
    }

    if (section.part.empty()) {
        switch (section.text) {
        case text_kind::none:
            return byte_range{0, summary.size_};
        case text_kind::text:
            return byte_range{node->body_offset_, node->body_length_};
        default:
            return byte_range{node->header_offset_, node->header_length_};
        }
    }
    switch (section.text) {
    case text_kind::none:
        return byte_range{node->body_offset_, node->body_length_};
    case text_kind::mime:
        return byte_range{node->header_offset_, node->header_length_};
    default:
        break;
    }
    // HEADER, HEADER.FIELDS and TEXT after a part number need a message/rfc822 part.
    if (!node->is_message() || node->children_.empty()) {
        return std::nullopt;
    }
    const mime::body_part& inner = node->children_.front();
    if (section.text == text_kind::text) {
        return byte_range{inner.body_offset_, inner.body_length_};
    }
    return byte_range{inner.header_offset_, inner.header_length_};
}

std::string filter_header_fields(std::string_view header, const std::vector<std::string>& names,
                                 bool exclude) {
    std::string out;
    bool keep = false;
    while (!header.empty()) {
        const std::size_t end = header.find('\n');
        const std::string_view line =
            header.substr(0, end == std::string_view::npos ? header.size() : end + 1);
        header.remove_prefix(line.size());
        if (line == "\r\n" || line == "\n") {
            break;
        }
        // A line starting with white space continues the field before it.
        if (line.front() != ' ' && line.front() != '\t') {
            const std::size_t colon = line.find(':');
            const std::string_view name =
                mime::trim(line.substr(0, colon == std::string_view::npos ? 0 : colon));
            bool listed = false;
            for (const std::string& wanted : names) {
                listed = listed || mime::iequals(wanted, name);
            }
            keep = colon != std::string_view::npos && listed != exclude;
        }
        if (keep) {
            out.append(line);
        }
    }
    out += "\r\n";
    return out;
}

} // namespace skrynka::imap
