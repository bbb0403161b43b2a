#include "storage/audit_time.hpp"

#include <chrono>
#include <cstdio>

namespace skrynka::storage {

namespace {

using namespace std::chrono;

// Reads exactly count digits at text[position], advancing position. Returns nullopt when
// fewer digits are there.
std::optional<int> read_digits(std::string_view text, std::size_t& position, int count) {
    int value = 0;
    for (int i = 0; i < count; ++i) {
        if (position >= text.size() || text[position] < '0' || text[position] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[position] - '0');
        ++position;
    }
    return value;
}

bool read_char(std::string_view text, std::size_t& position, char expected) {
    if (position < text.size() && text[position] == expected) {
        ++position;
        return true;
    }
    return false;
}

// Reads "HH:MM:SS[.fraction]" and the offset, returning milliseconds since midnight in
// UTC (possibly negative or beyond a day once the offset is applied).
std::optional<std::int64_t> read_time_of_day(std::string_view text, std::size_t& position) {
    const auto hour = read_digits(text, position, 2);
    if (!hour || *hour > 23 || !read_char(text, position, ':')) {
        return std::nullopt;
    }
    const auto minute = read_digits(text, position, 2);
    if (!minute || *minute > 59 || !read_char(text, position, ':')) {
        return std::nullopt;
    }
    const auto second = read_digits(text, position, 2);
    if (!second || *second > 59) {
        return std::nullopt;
    }

    std::int64_t milliseconds = 0;
    if (read_char(text, position, '.')) {
        int digits = 0;
        while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
            if (digits < 3) {
                milliseconds = milliseconds * 10 + (text[position] - '0');
            }
            ++digits;
            ++position;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        for (int i = digits; i < 3; ++i) {
            milliseconds *= 10;
        }
    }

    std::int64_t offset_minutes = 0;
    if (read_char(text, position, 'Z') || read_char(text, position, 'z')) {
        offset_minutes = 0;
    } else if (position < text.size() && (text[position] == '+' || text[position] == '-')) {
        const int sign = text[position] == '+' ? 1 : -1;
        ++position;
        const auto offset_hour = read_digits(text, position, 2);
        if (!offset_hour || *offset_hour > 23 || !read_char(text, position, ':')) {
            return std::nullopt;
        }
        const auto offset_minute = read_digits(text, position, 2);
        if (!offset_minute || *offset_minute > 59) {
            return std::nullopt;
        }
        offset_minutes = sign * (*offset_hour * 60 + *offset_minute);
    } else {
        return std::nullopt;
    }

    const std::int64_t local = ((*hour * 60 + *minute) * 60 + *second) * 1000 + milliseconds;
    return local - offset_minutes * 60 * 1000;
}

} // namespace

std::string format_audit_time(std::int64_t milliseconds) {
    const sys_time<std::chrono::milliseconds> point{std::chrono::milliseconds(milliseconds)};
    const auto day = floor<days>(point);
    const year_month_day date{day};
    const hh_mm_ss<std::chrono::milliseconds> time{point - day};

    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02lld.%03lldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()),
                  static_cast<long long>(time.subseconds().count()));
    return text;
}

std::optional<std::int64_t> parse_audit_time(std::string_view text) {
    std::size_t position = 0;
    const auto year = read_digits(text, position, 4);
    if (!year || !read_char(text, position, '-')) {
        return std::nullopt;
    }
    const auto month = read_digits(text, position, 2);
    if (!month || !read_char(text, position, '-')) {
        return std::nullopt;
    }
    const auto day_of_month = read_digits(text, position, 2);
    if (!day_of_month) {
        return std::nullopt;
    }
    const year_month_day date{std::chrono::year(*year),
                              std::chrono::month(static_cast<unsigned>(*month)),
                              std::chrono::day(static_cast<unsigned>(*day_of_month))};
    if (!date.ok()) {
        return std::nullopt;
    }
    const std::int64_t midnight =
        duration_cast<std::chrono::milliseconds>(sys_days(date).time_since_epoch()).count();
    if (position == text.size()) {
        return midnight;
    }

    if (!read_char(text, position, 'T') && !read_char(text, position, 't') &&
        !read_char(text, position, ' ')) {
        return std::nullopt;
    }
    const auto time_of_day = read_time_of_day(text, position);
    if (!time_of_day || position != text.size()) {
        return std::nullopt;
    }
    return midnight + *time_of_day;
}

} // namespace skrynka::storage
