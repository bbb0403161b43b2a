// MIME part header fields and ENVELOPE fields. For a repeated field the first one
// counts, which matches what most mail readers display.
#include "src/mime/part_header.hpp"

#include "src/mime/address.hpp"
#include "src/mime/content_type.hpp"
#include "src/mime/text.hpp"

#include <optional>

namespace skrynka::mime {
namespace {

std::optional<std::string> field_value(const header_section& header, std::string_view name) {
    const raw_header_field* field = find_field(header, name);
    if (field == nullptr) {
        return std::nullopt;
    }
    return field->value_;
}

void set_default_type(bool in_digest, body_part& part) {
    if (in_digest) {
        part.type_ = "message";
        part.subtype_ = "rfc822";
        part.parameters_.clear();
        return;
    }
    part.type_ = "text";
    part.subtype_ = "plain";
    part.parameters_ = {parameter{"charset", "us-ascii"}};
}

std::vector<std::string> split_languages(std::string_view value) {
    std::vector<std::string> languages;
    std::size_t begin = 0;
    while (begin <= value.size()) {
        std::size_t comma = value.find(',', begin);
        if (comma == std::string_view::npos) {
            comma = value.size();
        }
        const std::string_view tag = trim(value.substr(begin, comma - begin));
        if (!tag.empty()) {
            languages.emplace_back(tag);
        }
        begin = comma + 1;
    }
    return languages;
}

std::string remove_whitespace(std::string_view value) {
    std::string compact;
    for (const char c : value) {
        if (!is_whitespace(c)) {
            compact.push_back(c);
        }
    }
    return compact;
}

std::vector<address> addresses(const header_section& header, std::string_view name,
                               const limits& bounds, bool& truncated) {
    const raw_header_field* field = find_field(header, name);
    if (field == nullptr) {
        return {};
    }
    address_list list = parse_address_list(field->value_, bounds.max_addresses_);
    truncated = truncated || list.truncated_;
    return std::move(list.addresses_);
}

} // namespace

void apply_part_header(const header_section& header, bool in_digest, body_part& part) {
    set_default_type(in_digest, part);
    if (const raw_header_field* field = find_field(header, "content-type")) {
        std::optional<content_type> parsed = parse_content_type(field->value_);
        if (parsed) {
            part.type_ = std::move(parsed->type_);
            part.subtype_ = std::move(parsed->subtype_);
            part.parameters_ = std::move(parsed->parameters_);
        } else {
            set_default_type(false, part);
        }
    }
    if (part.type_ == "text" && part.find_parameter("charset") == nullptr) {
        part.parameters_.push_back(parameter{"charset", "us-ascii"});
    }

    if (const raw_header_field* field = find_field(header, "content-transfer-encoding")) {
        const std::string encoding = to_lower(trim(field->value_));
        if (!encoding.empty()) {
            part.encoding_ = encoding;
        }
    }

    part.id_ = field_value(header, "content-id");
    part.description_ = field_value(header, "content-description");
    part.md5_ = field_value(header, "content-md5");

    if (const raw_header_field* field = find_field(header, "content-disposition")) {
        content_disposition disposition = parse_content_disposition(field->value_);
        if (!disposition.type_.empty()) {
            part.disposition_ = std::move(disposition.type_);
            part.disposition_parameters_ = std::move(disposition.parameters_);
        }
    }
    if (const raw_header_field* field = find_field(header, "content-language")) {
        part.languages_ = split_languages(field->value_);
    }
    if (const raw_header_field* field = find_field(header, "content-location")) {
        part.location_ = remove_whitespace(field->value_);
    }
}

envelope build_envelope(const header_section& header, const limits& bounds, bool& truncated) {
    envelope result;
    result.date_ = field_value(header, "date");
    result.subject_ = field_value(header, "subject");
    result.from_ = addresses(header, "from", bounds, truncated);
    result.sender_ = addresses(header, "sender", bounds, truncated);
    result.reply_to_ = addresses(header, "reply-to", bounds, truncated);
    result.to_ = addresses(header, "to", bounds, truncated);
    result.cc_ = addresses(header, "cc", bounds, truncated);
    result.bcc_ = addresses(header, "bcc", bounds, truncated);
    result.in_reply_to_ = field_value(header, "in-reply-to");
    result.message_id_ = field_value(header, "message-id");
    return result;
}

} // namespace skrynka::mime
