// The mboxrd format (RFC 4155 and the mboxrd convention): one "From " separator line
// per message, then the message with every line that matches ^>*From  given one more
// '>', then an empty line. Flags travel as Status:, X-Status: and X-Keywords: headers,
// which mutt, Thunderbird and Dovecot read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::archive {

// A message's IMAP flags: storage::flag bits and keywords.
struct message_flags {
    std::uint32_t flags = 0;
    std::vector<std::string> keywords;
};

// Appends message to output with each line that starts with zero or more '>' and then
// "From " given one more leading '>'. Lines end at '\n'; a CR before it is kept.
void append_quoted(std::string& output, std::string_view message);

// Removes one leading '>' from each line that starts with one or more '>' and then
// "From ": the inverse of append_quoted.
std::string unquote(std::string_view quoted);

// Returns the separator line "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n" carrying
// internal_date (seconds since the Unix epoch) in UTC, in the asctime layout.
std::string from_line(std::int64_t internal_date);

// Reads the date of a separator line, with or without its line break. Accepts the
// asctime layout and the one Google Takeout writes, which has a numeric zone before the
// year ("From 1234@xxx Thu Oct 17 09:00:52 +0000 2019"). Returns nothing when no date
// is found.
std::optional<std::int64_t> parse_from_line_date(std::string_view line);

// Returns the Status:, X-Status: and X-Keywords: header lines for flags, in that order,
// each ending in line_end. Status carries R (\Seen) and O; X-Status A (\Answered),
// F (\Flagged), T (\Draft) and D (\Deleted); X-Keywords the keywords separated by spaces.
std::string status_headers(const message_flags& flags, std::string_view line_end);

// The flags found in the header of a message.
struct status_result {
    message_flags flags;
    // Length of the leading Status:, X-Status:, X-Keywords: block that status_headers
    // wrote, which the importer removes to get the stored bytes back; 0 when the message
    // does not start with exactly that block.
    std::size_t prefix_size = 0;
};

// Reads the flags from the Status:, X-Status: and X-Keywords: fields of the message
// header, wherever they are in it. Unknown letters are ignored.
status_result read_status_headers(std::string_view message);

// Returns one whole mbox entry: separator line, status headers (in the line ending of
// the message's first line), quoted message and the empty separator line. Reading it
// with mbox_reader and removing prefix_size bytes gives back message exactly.
std::string mbox_entry(std::string_view message, const message_flags& flags,
                       std::int64_t internal_date);

} // namespace skrynka::archive
