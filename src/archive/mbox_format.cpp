#include "src/archive/mbox_format.hpp"

#include "storage/mailbox_types.hpp"

#include <array>
#include <ctime>
#include <fmt/format.h>

namespace skrynka::archive {

namespace {

// True when line (without its break) starts with '>' repeated min_quotes or more times
// and then "From ".
bool is_quoted_from(std::string_view line, std::size_t min_quotes) {
    std::size_t quotes = 0;
    while (quotes < line.size() && line[quotes] == '>') {
        ++quotes;
    }
    return quotes >= min_quotes && line.substr(quotes).starts_with("From ");
}

// Calls visit(line) for every line of text, each with its '\n' when it has one.
template <typename Visitor> void for_each_line(std::string_view text, Visitor visit) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::size_t size = end == std::string_view::npos ? text.size() : end + 1;
        visit(text.substr(0, size));
        text.remove_prefix(size);
    }
}

constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> day_names{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t position = 0;
    while (position < text.size()) {
        while (position < text.size() && (text[position] == ' ' || text[position] == '\t')) {
            ++position;
        }
        const std::size_t start = position;
        while (position < text.size() && text[position] != ' ' && text[position] != '\t') {
            ++position;
        }
        if (position > start) {
            words.push_back(text.substr(start, position - start));
        }
    }
    return words;
}

std::optional<int> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 9) {
        return std::nullopt;
    }
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

// Parses "hh:mm:ss" into seconds since midnight.
std::optional<int> parse_time_of_day(std::string_view text) {
    if (text.size() != 8 || text[2] != ':' || text[5] != ':') {
        return std::nullopt;
    }
    const auto hours = parse_number(text.substr(0, 2));
    const auto minutes = parse_number(text.substr(3, 2));
    const auto seconds = parse_number(text.substr(6, 2));
    if (!hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 60) {
        return std::nullopt;
    }
    return *hours * 3600 + *minutes * 60 + *seconds;
}

// Parses a numeric zone "+hhmm" or "-hhmm" into seconds east of UTC.
std::optional<int> parse_zone(std::string_view text) {
    if (text.size() != 5 || (text[0] != '+' && text[0] != '-')) {
        return std::nullopt;
    }
    const auto hours = parse_number(text.substr(1, 2));
    const auto minutes = parse_number(text.substr(3, 2));
    if (!hours || !minutes || *minutes > 59) {
        return std::nullopt;
    }
    const int offset = *hours * 3600 + *minutes * 60;
    return text[0] == '-' ? -offset : offset;
}

std::string_view trim_line_break(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    return line;
}

// Returns the field value when line (without its break) is "Name: value" for name in
// any letter case.
std::optional<std::string_view> field_value(std::string_view line, std::string_view name) {
    if (line.size() <= name.size() || line[name.size()] != ':') {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char a = line[i] >= 'A' && line[i] <= 'Z' ? static_cast<char>(line[i] + 32) : line[i];
        const char b = name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] + 32) : name[i];
        if (a != b) {
            return std::nullopt;
        }
    }
    std::string_view value = line.substr(name.size() + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
    }
    return value;
}

void read_status_letters(std::string_view value, std::uint32_t& flags) {
    for (char letter : value) {
        switch (letter) {
        case 'R':
            flags |= storage::flag::seen;
            break;
        case 'A':
            flags |= storage::flag::answered;
            break;
        case 'F':
            flags |= storage::flag::flagged;
            break;
        case 'T':
            flags |= storage::flag::draft;
            break;
        case 'D':
            flags |= storage::flag::deleted;
            break;
        default:
            break;
        }
    }
}

void read_keywords(std::string_view value, std::vector<std::string>& keywords) {
    for (std::string_view word : split_words(value)) {
        while (!word.empty() && word.back() == ',') {
            word.remove_suffix(1);
        }
        while (!word.empty() && word.front() == ',') {
            word.remove_prefix(1);
        }
        if (!word.empty()) {
            keywords.emplace_back(word);
        }
    }
}

} // namespace

void append_quoted(std::string& output, std::string_view message) {
    for_each_line(message, [&output](std::string_view line) {
        if (is_quoted_from(line, 0)) {
            output += '>';
        }
        output += line;
    });
}

std::string unquote(std::string_view quoted) {
    std::string output;
    output.reserve(quoted.size());
    for_each_line(quoted, [&output](std::string_view line) {
        output += is_quoted_from(line, 1) ? line.substr(1) : line;
    });
    return output;
}

std::string from_line(std::int64_t internal_date) {
    const auto seconds = static_cast<std::time_t>(internal_date);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("From MAILER-DAEMON {} {} {:2} {:02}:{:02}:{:02} {}\n",
                       day_names[static_cast<std::size_t>(utc.tm_wday)],
                       month_names[static_cast<std::size_t>(utc.tm_mon)], utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, utc.tm_year + 1900);
}

std::optional<std::int64_t> parse_from_line_date(std::string_view line) {
    const std::vector<std::string_view> words = split_words(trim_line_break(line));
    // "From" SENDER [DAY] MONTH DD HH:MM:SS [ZONE] YYYY: find the month, read onwards.
    for (std::size_t i = 2; i + 3 < words.size() + 1; ++i) {
        std::size_t month = month_names.size();
        for (std::size_t m = 0; m < month_names.size(); ++m) {
            if (words[i] == month_names[m]) {
                month = m;
            }
        }
        if (month == month_names.size() || i + 3 > words.size()) {
            continue;
        }
        const auto day = parse_number(words[i + 1]);
        const auto time_of_day = i + 2 < words.size() ? parse_time_of_day(words[i + 2])
                                                      : std::nullopt;
        if (!day || !time_of_day || *day < 1 || *day > 31) {
            continue;
        }
        std::size_t next = i + 3;
        int zone = 0;
        if (next < words.size()) {
            if (const auto parsed_zone = parse_zone(words[next])) {
                zone = *parsed_zone;
                ++next;
            }
        }
        const auto year = next < words.size() ? parse_number(words[next]) : std::nullopt;
        if (!year || *year < 1970 || *year > 9999) {
            continue;
        }
        std::tm date{};
        date.tm_year = *year - 1900;
        date.tm_mon = static_cast<int>(month);
        date.tm_mday = *day;
        return static_cast<std::int64_t>(timegm(&date)) + *time_of_day - zone;
    }
    return std::nullopt;
}

std::string status_headers(const message_flags& flags, std::string_view line_end) {
    std::string status = "Status: ";
    if ((flags.flags & storage::flag::seen) != 0) {
        status += 'R';
    }
    status += 'O';

    std::string x_status = "X-Status: ";
    if ((flags.flags & storage::flag::answered) != 0) {
        x_status += 'A';
    }
    if ((flags.flags & storage::flag::flagged) != 0) {
        x_status += 'F';
    }
    if ((flags.flags & storage::flag::draft) != 0) {
        x_status += 'T';
    }
    if ((flags.flags & storage::flag::deleted) != 0) {
        x_status += 'D';
    }

    std::string keywords = "X-Keywords:";
    for (const auto& keyword : flags.keywords) {
        keywords += ' ';
        keywords += keyword;
    }
    return fmt::format("{}{}{}{}{}{}", status, line_end, x_status, line_end, keywords, line_end);
}

status_result read_status_headers(std::string_view message) {
    status_result result;
    std::size_t position = 0;
    std::size_t line_number = 0;
    bool prefix_intact = true;
    while (position < message.size()) {
        const std::size_t end = message.find('\n', position);
        const std::size_t next = end == std::string_view::npos ? message.size() : end + 1;
        const std::string_view line = trim_line_break(message.substr(position, next - position));
        if (line.empty()) {
            break; // the end of the header
        }

        const auto status = field_value(line, "Status");
        const auto x_status = field_value(line, "X-Status");
        const auto keywords = field_value(line, "X-Keywords");
        if (status) {
            read_status_letters(*status, result.flags.flags);
        } else if (x_status) {
            read_status_letters(*x_status, result.flags.flags);
        } else if (keywords) {
            read_keywords(*keywords, result.flags.keywords);
        }

        // The block status_headers() writes is exactly these three fields, first.
        const bool expected = (line_number == 0 && status) || (line_number == 1 && x_status) ||
                              (line_number == 2 && keywords);
        if (line_number < 3) {
            prefix_intact = prefix_intact && expected;
            if (line_number == 2 && prefix_intact) {
                result.prefix_size = next;
            }
        }
        ++line_number;
        position = next;
    }
    return result;
}

std::string mbox_entry(std::string_view message, const message_flags& flags,
                       std::int64_t internal_date) {
    const std::size_t first_break = message.find('\n');
    const bool crlf = first_break != std::string_view::npos && first_break > 0 &&
                      message[first_break - 1] == '\r';

    std::string entry = from_line(internal_date);
    entry += status_headers(flags, crlf ? "\r\n" : "\n");
    append_quoted(entry, message);
    entry += '\n';
    return entry;
}

} // namespace skrynka::archive
