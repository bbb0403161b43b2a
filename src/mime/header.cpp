// Header splitting. The section ends at the first empty line, as RFC 5322 section 2.1
// defines it. Lines that are not fields are skipped rather than ending the section, so
// a single garbage line cannot move the body boundary.
#include "src/mime/header.hpp"

#include "src/mime/text.hpp"

namespace skrynka::mime {
namespace {

// RFC 5322 section 3.6.8: a field name is printable US-ASCII except colon. Whitespace
// before the colon is the obsolete syntax of section 4.5 and is tolerated.
std::size_t field_name_length(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] > ' ' && line[i] < 0x7F && line[i] != ':') {
        ++i;
    }
    const std::size_t name_end = i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
        ++i;
    }
    if (name_end == 0 || i >= line.size() || line[i] != ':') {
        return 0;
    }
    return name_end;
}

struct field_builder {
    bool active = false;
    bool rejected = false; // a line or the value went over a limit
    std::string_view name;
    std::string value;
};

void finish_field(field_builder& field, header_section& header, const limits& bounds) {
    if (!field.active) {
        return;
    }
    if (!field.rejected) {
        if (header.fields_.size() < bounds.max_header_fields_) {
            header.fields_.push_back(raw_header_field{field.name, std::string(trim(field.value))});
        } else {
            header.truncated_ = true;
        }
    }
    field = field_builder{};
}

void append_to_field(field_builder& field, std::string_view text, const limits& bounds) {
    if (field.rejected) {
        return;
    }
    if (field.value.size() + text.size() > bounds.max_header_field_length_) {
        field.rejected = true;
        field.value.clear();
        return;
    }
    field.value.append(text);
}

} // namespace

header_section parse_header(std::string_view data, const limits& bounds) {
    header_section header;
    field_builder field;
    std::size_t position = 0;

    while (position < data.size()) {
        const std::size_t line_feed = data.find('\n', position);
        const std::size_t next = line_feed == std::string_view::npos ? data.size() : line_feed + 1;
        std::string_view line = data.substr(position, next - position);
        std::string_view content = line;
        if (!content.empty() && content.back() == '\n') {
            content.remove_suffix(1);
        }
        if (!content.empty() && content.back() == '\r') {
            content.remove_suffix(1);
        }
        position = next;

        if (content.empty()) {
            if (line_feed == std::string_view::npos) {
                continue; // a lone CR at the end of the data
            }
            finish_field(field, header, bounds);
            header.length_ = position;
            return header;
        }

        const bool too_long = content.size() > bounds.max_header_line_length_;
        if (content.front() == ' ' || content.front() == '\t') {
            // A continuation line: unfolding removes only the line break before it.
            if (!field.active) {
                continue;
            }
            if (too_long) {
                field.rejected = true;
            }
            append_to_field(field, content, bounds);
            continue;
        }

        finish_field(field, header, bounds);
        const std::size_t name_length = field_name_length(content);
        if (name_length == 0) {
            continue;
        }
        field.active = true;
        field.rejected = too_long;
        field.name = content.substr(0, name_length);
        const std::size_t colon = content.find(':', name_length);
        append_to_field(field, content.substr(colon + 1), bounds);
    }

    finish_field(field, header, bounds);
    header.length_ = data.size();
    return header;
}

const raw_header_field* find_field(const header_section& header, std::string_view name) {
    for (const raw_header_field& field : header.fields_) {
        if (iequals(field.name_, name)) {
            return &field;
        }
    }
    return nullptr;
}

} // namespace skrynka::mime
