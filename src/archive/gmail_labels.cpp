#include "src/archive/gmail_labels.hpp"

#include "src/mime/text.hpp"
#include "storage/mailbox_types.hpp"

#include <algorithm>

namespace skrynka::archive {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

bool has_label(const std::vector<std::string>& labels, std::string_view name) {
    return std::any_of(labels.begin(), labels.end(),
                       [name](const std::string& label) { return mime::iequals(label, name); });
}

bool is_system_label(std::string_view label) {
    for (std::string_view system : {"Inbox", "Sent", "Drafts", "Trash", "Spam", "Important",
                                    "Opened", "Unread", "Starred", "Archived", "Chat"}) {
        if (mime::iequals(label, system)) {
            return true;
        }
    }
    return label.size() >= 9 && mime::iequals(label.substr(0, 9), "Category ");
}

} // namespace

std::optional<std::string> header_field(std::string_view message, std::string_view name) {
    std::optional<std::string> value;
    std::size_t position = 0;
    while (position < message.size()) {
        const std::size_t end = message.find('\n', position);
        const std::size_t next = end == std::string_view::npos ? message.size() : end + 1;
        std::string_view line = message.substr(position, next - position);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;
        }
        const bool continuation = line.front() == ' ' || line.front() == '\t';
        if (continuation && value) {
            *value += ' ';
            *value += trim(line);
        } else if (value) {
            break; // the field we wanted is complete
        } else if (!continuation && line.size() > name.size() && line[name.size()] == ':' &&
                   mime::iequals(line.substr(0, name.size()), name)) {
            value = std::string(trim(line.substr(name.size() + 1)));
        }
        position = next;
    }
    return value;
}

std::vector<std::string> split_labels(std::string_view value) {
    std::vector<std::string> labels;
    std::string current;
    bool quoted = false;
    auto push = [&] {
        const std::string_view label = trim(current);
        if (!label.empty()) {
            labels.emplace_back(label);
        }
        current.clear();
    };
    for (char c : value) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            push();
        } else {
            current += c;
        }
    }
    push();
    return labels;
}

gmail_placement place_by_labels(const std::vector<std::string>& labels) {
    gmail_placement placement;
    if (!has_label(labels, "Unread")) {
        placement.flags |= storage::flag::seen;
    }
    if (has_label(labels, "Starred")) {
        placement.flags |= storage::flag::flagged;
    }
    if (has_label(labels, "Drafts")) {
        placement.flags |= storage::flag::draft;
    }

    constexpr std::pair<std::string_view, std::string_view> by_priority[] = {
        {"Trash", "Trash"}, {"Spam", "Junk"}, {"Drafts", "Drafts"},
        {"Sent", "Sent"},   {"Inbox", "INBOX"}};
    for (const auto& [label, mailbox] : by_priority) {
        if (has_label(labels, label)) {
            placement.mailbox = mailbox;
            return placement;
        }
    }
    for (const auto& label : labels) {
        if (!is_system_label(label)) {
            placement.mailbox = label;
            return placement;
        }
    }
    placement.mailbox = "Archive";
    return placement;
}

} // namespace skrynka::archive
