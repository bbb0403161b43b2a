#include "src/archive/maildir_format.hpp"

#include "src/imap/mailbox_name.hpp"
#include "storage/mailbox_types.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace skrynka::archive {

namespace {

constexpr std::string_view encoded_dot = "&AC4-";

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::vector<std::string_view> split_on(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    std::size_t found = 0;
    while ((found = text.find(separator, start)) != std::string_view::npos) {
        parts.push_back(text.substr(start, found - start));
        start = found + separator.size();
    }
    parts.push_back(text.substr(start));
    return parts;
}

} // namespace

std::string maildir_folder_name(std::string_view mailbox) {
    if (mailbox == "INBOX") {
        return {};
    }
    std::string folder;
    for (std::string_view level : split(mailbox, '/')) {
        folder += '.';
        for (char c : imap::encode_mailbox_name(level)) {
            if (c == '.') {
                folder += encoded_dot;
            } else {
                folder += c;
            }
        }
    }
    return folder;
}

std::optional<std::string> mailbox_of_folder(std::string_view folder) {
    if (folder.empty()) {
        return std::string("INBOX");
    }
    if (folder.size() < 2 || folder.front() != '.') {
        return std::nullopt;
    }
    std::string mailbox;
    for (std::string_view level : split(folder.substr(1), '.')) {
        if (level.empty()) {
            return std::nullopt;
        }
        if (!mailbox.empty()) {
            mailbox += '/';
        }
        // Decode the pieces between encoded dots one by one: the decoder rightly
        // rejects a shift sequence that encodes printable ASCII.
        bool first_piece = true;
        for (std::string_view piece : split_on(level, encoded_dot)) {
            const auto decoded = imap::decode_mailbox_name(piece);
            if (!decoded) {
                return std::nullopt;
            }
            if (!first_piece) {
                mailbox += '.';
            }
            mailbox += *decoded;
            first_piece = false;
        }
    }
    return mailbox;
}

std::optional<char> keyword_letters::letter_of(const std::string& keyword) {
    const auto found = std::find(names_.begin(), names_.end(), keyword);
    if (found != names_.end()) {
        return static_cast<char>('a' + (found - names_.begin()));
    }
    if (names_.size() == max_maildir_keywords) {
        return std::nullopt;
    }
    names_.push_back(keyword);
    return static_cast<char>('a' + names_.size() - 1);
}

std::string keyword_letters::file_contents() const {
    std::string contents;
    for (std::size_t i = 0; i < names_.size(); ++i) {
        contents += fmt::format("{} {}\n", i, names_[i]);
    }
    return contents;
}

keyword_letters keyword_letters::parse(std::string_view contents) {
    keyword_letters letters;
    std::map<std::size_t, std::string> by_index;
    for (std::string_view line : split(contents, '\n')) {
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos || space == 0 || space > 2) {
            continue;
        }
        std::size_t index = 0;
        bool numeric = true;
        for (char c : line.substr(0, space)) {
            numeric = numeric && c >= '0' && c <= '9';
            index = index * 10 + static_cast<std::size_t>(c - '0');
        }
        std::string_view name = line.substr(space + 1);
        if (!name.empty() && name.back() == '\r') {
            name.remove_suffix(1);
        }
        if (numeric && index < max_maildir_keywords && !name.empty()) {
            by_index[index] = std::string(name);
        }
    }
    for (const auto& [index, name] : by_index) {
        letters.names_.resize(std::max(letters.names_.size(), index + 1));
        letters.names_[index] = name;
    }
    return letters;
}

std::optional<std::string> keyword_letters::keyword_of(char letter) const {
    if (letter < 'a' || letter > 'z') {
        return std::nullopt;
    }
    const auto index = static_cast<std::size_t>(letter - 'a');
    if (index >= names_.size() || names_[index].empty()) {
        return std::nullopt;
    }
    return names_[index];
}

std::string maildir_info(const message_flags& flags, keyword_letters& letters,
                         std::vector<std::string>& dropped) {
    std::string info = ":2,";
    if ((flags.flags & storage::flag::draft) != 0) {
        info += 'D';
    }
    if ((flags.flags & storage::flag::flagged) != 0) {
        info += 'F';
    }
    if ((flags.flags & storage::flag::answered) != 0) {
        info += 'R';
    }
    if ((flags.flags & storage::flag::seen) != 0) {
        info += 'S';
    }
    if ((flags.flags & storage::flag::deleted) != 0) {
        info += 'T';
    }
    std::string keyword_part;
    for (const auto& keyword : flags.keywords) {
        if (const auto letter = letters.letter_of(keyword)) {
            keyword_part += *letter;
        } else {
            dropped.push_back(keyword);
        }
    }
    std::sort(keyword_part.begin(), keyword_part.end());
    return info + keyword_part;
}

message_flags flags_of_file_name(std::string_view file_name, const keyword_letters& letters) {
    message_flags flags;
    const std::size_t info = file_name.rfind(":2,");
    if (info == std::string_view::npos) {
        return flags;
    }
    for (char letter : file_name.substr(info + 3)) {
        switch (letter) {
        case 'D':
            flags.flags |= storage::flag::draft;
            break;
        case 'F':
            flags.flags |= storage::flag::flagged;
            break;
        case 'R':
            flags.flags |= storage::flag::answered;
            break;
        case 'S':
            flags.flags |= storage::flag::seen;
            break;
        case 'T':
            flags.flags |= storage::flag::deleted;
            break;
        default:
            if (auto keyword = letters.keyword_of(letter)) {
                flags.keywords.push_back(std::move(*keyword));
            }
            break;
        }
    }
    return flags;
}

std::string maildir_base_name(std::int64_t export_time, std::uint32_t uid, long process,
                              std::uint64_t size) {
    return fmt::format("{}.M{:010}P{}.skrynka,S={}", export_time, uid, process, size);
}

} // namespace skrynka::archive
