#include "src/imap/response_writer.hpp"

#include "src/imap/argument_parser.hpp"
#include "storage/mailbox_types.hpp"

#include <array>
#include <fmt/format.h>

namespace skrynka::imap {

namespace {

// Longer values go as literals, which clients parse without unescaping.
constexpr std::size_t quoted_max = 1024;

constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool fits_quoted(std::string_view value, bool utf8) {
    if (value.size() > quoted_max) {
        return false;
    }
    for (const char c : value) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet == 0 || octet == '\r' || octet == '\n' || (octet >= 0x80 && !utf8)) {
            return false;
        }
    }
    return true;
}

std::optional<unsigned> parse_month(std::string_view name) {
    for (std::size_t i = 0; i < month_names.size(); ++i) {
        const std::string_view month = month_names[i];
        if (name.size() == 3 && std::tolower(name[0]) == std::tolower(month[0]) &&
            std::tolower(name[1]) == std::tolower(month[1]) &&
            std::tolower(name[2]) == std::tolower(month[2])) {
            return static_cast<unsigned>(i + 1);
        }
    }
    return std::nullopt;
}

bool is_leap(std::int64_t year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
    constexpr std::array<unsigned, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Parses exactly `width` digits (or 1 to width when width_exact is false).
std::optional<int> parse_digits(std::string_view& text, std::size_t minimum, std::size_t maximum) {
    std::size_t length = 0;
    int value = 0;
    while (length < text.size() && length < maximum && text[length] >= '0' && text[length] <= '9') {
        value = value * 10 + (text[length] - '0');
        ++length;
    }
    if (length < minimum) {
        return std::nullopt;
    }
    text.remove_prefix(length);
    return value;
}

bool consume(std::string_view& text, char c) {
    if (text.empty() || text.front() != c) {
        return false;
    }
    text.remove_prefix(1);
    return true;
}

// Parses "d-Mon-yyyy" from the front of text.
std::optional<std::int64_t> parse_day_month_year(std::string_view& text) {
    const auto day = parse_digits(text, 1, 2);
    if (!day || !consume(text, '-') || text.size() < 3) {
        return std::nullopt;
    }
    const auto month = parse_month(text.substr(0, 3));
    text.remove_prefix(3);
    if (!month || !consume(text, '-')) {
        return std::nullopt;
    }
    const auto year = parse_digits(text, 4, 4);
    if (!year || *day < 1 || static_cast<unsigned>(*day) > days_in_month(*year, *month)) {
        return std::nullopt;
    }
    return days_from_civil(*year, *month, static_cast<unsigned>(*day));
}

void skip_spaces(std::string_view& text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
}

} // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    // Count from March so that the leap day is the last day of the counting year.
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

void append_literal(std::string& out, std::string_view value) {
    out += fmt::format("{{{}}}\r\n", value.size());
    out.append(value);
}

void append_string(std::string& out, std::string_view value, bool utf8) {
    if (!fits_quoted(value, utf8)) {
        append_literal(out, value);
        return;
    }
    out += '"';
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

void append_nstring(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out += "NIL";
        return;
    }
    append_string(out, *value);
}

void append_astring(std::string& out, std::string_view value, bool utf8) {
    bool atom = !value.empty() && value.size() != 3;
    if (value.size() == 3) {
        atom = !(std::tolower(value[0]) == 'n' && std::tolower(value[1]) == 'i' &&
                 std::tolower(value[2]) == 'l');
    }
    for (const char c : value) {
        atom = atom && (is_atom_char(c) || c == ']');
    }
    if (atom) {
        out.append(value);
    } else {
        append_string(out, value, utf8);
    }
}

std::string format_flag_list(std::uint32_t flags, const std::vector<std::string>& keywords,
                             bool recent) {
    std::string out = "(";
    const auto add = [&](std::string_view name) {
        if (out.size() > 1) {
            out += ' ';
        }
        out.append(name);
    };
    if ((flags & storage::flag::seen) != 0) {
        add("\\Seen");
    }
    if ((flags & storage::flag::answered) != 0) {
        add("\\Answered");
    }
    if ((flags & storage::flag::flagged) != 0) {
        add("\\Flagged");
    }
    if ((flags & storage::flag::deleted) != 0) {
        add("\\Deleted");
    }
    if ((flags & storage::flag::draft) != 0) {
        add("\\Draft");
    }
    if (recent) {
        add("\\Recent");
    }
    for (const std::string& keyword : keywords) {
        add(keyword);
    }
    out += ')';
    return out;
}

std::string format_date_time(std::int64_t seconds) {
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    // Inverse of days_from_civil.
    const std::int64_t shifted = days + 719468;
    const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    const std::int64_t day_of_era = shifted - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t month_index = (5 * day_of_year + 2) / 153;
    const std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
    const std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return fmt::format("{:>2}-{}-{:04} {:02}:{:02}:{:02} +0000", day, month_names[month - 1], year,
                       rest / 3600, rest / 60 % 60, rest % 60);
}

std::optional<std::int64_t> parse_date_time(std::string_view text) {
    if (!text.empty() && text.front() == ' ') {
        text.remove_prefix(1); // date-day-fixed pads a one-digit day with a space
    }
    const auto days = parse_day_month_year(text);
    if (!days || !consume(text, ' ')) {
        return std::nullopt;
    }
    const auto hour = parse_digits(text, 2, 2);
    if (!hour || !consume(text, ':')) {
        return std::nullopt;
    }
    const auto minute = parse_digits(text, 2, 2);
    if (!minute || !consume(text, ':')) {
        return std::nullopt;
    }
    const auto second = parse_digits(text, 2, 2);
    if (!second || !consume(text, ' ') || text.size() != 5) {
        return std::nullopt;
    }
    const char sign = text.front();
    text.remove_prefix(1);
    const auto zone_hours = parse_digits(text, 2, 2);
    const auto zone_minutes = parse_digits(text, 2, 2);
    if ((sign != '+' && sign != '-') || !zone_hours || !zone_minutes || !text.empty()) {
        return std::nullopt;
    }
    if (*hour > 23 || *minute > 59 || *second > 60 || *zone_hours > 23 || *zone_minutes > 59) {
        return std::nullopt;
    }
    const std::int64_t offset = (*zone_hours * 3600 + *zone_minutes * 60) * (sign == '+' ? 1 : -1);
    return *days * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
    const auto days = parse_day_month_year(text);
    if (!days || !text.empty()) {
        return std::nullopt;
    }
    return days;
}

std::optional<std::int64_t> parse_header_date(std::string_view value) {
    // RFC 5322 section 3.3: [day-of-week ","] day month year time zone. Only the date
    // matters here, so the time and zone are not read.
    skip_spaces(value);
    const std::size_t comma = value.find(',');
    // No comma (npos) is greater than 4 as well, so the day name is removed only when present.
    if (comma <= 4) {
        value.remove_prefix(comma + 1);
    }
    skip_spaces(value);
    const auto day = parse_digits(value, 1, 2);
    skip_spaces(value);
    if (!day || value.size() < 3) {
        return std::nullopt;
    }
    const auto month = parse_month(value.substr(0, 3));
    value.remove_prefix(3);
    skip_spaces(value);
    auto year = parse_digits(value, 2, 4);
    if (!month || !year) {
        return std::nullopt;
    }
    // RFC 5322 section 4.3: two-digit years below 50 are 20xx, others 19xx.
    if (*year < 50) {
        *year += 2000;
    } else if (*year < 1000) {
        *year += 1900;
    }
    if (*day < 1 || static_cast<unsigned>(*day) > days_in_month(*year, *month)) {
        return std::nullopt;
    }
    return days_from_civil(*year, *month, static_cast<unsigned>(*day));
}

} // namespace skrynka::imap
