// Building blocks of IMAP server responses (RFC 3501 sections 4 and 9): strings sent as
// quoted strings or literals, NIL, flag lists and the INTERNALDATE format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::imap {

// Appends value as a quoted string when every octet may appear in one (7-bit, no CR,
// LF or NUL) and it is short, else as a literal {n} CR LF followed by the octets. With
// utf8, octets above 0x7f may be quoted too (RFC 6855 section 3); value must then be
// valid UTF-8.
void append_string(std::string& out, std::string_view value, bool utf8 = false);
// Appends value as a literal, whatever it contains.
void append_literal(std::string& out, std::string_view value);
// Appends NIL for nullopt, else append_string.
void append_nstring(std::string& out, const std::optional<std::string>& value);
// Appends value as an atom when it is one (and not "NIL"), else as a string.
void append_astring(std::string& out, std::string_view value, bool utf8 = false);

// Formats the flags and keywords of a message as a parenthesised flag list.
std::string format_flag_list(std::uint32_t flags, const std::vector<std::string>& keywords,
                             bool recent = false);

// Formats seconds since the Unix epoch as an IMAP date-time in UTC, with the day
// padded by a space: " 7-Feb-1994 20:33:30 +0000".
std::string format_date_time(std::int64_t seconds);

// Parses an IMAP date-time ("dd-Mon-yyyy hh:mm:ss +hhmm", day one or two digits or
// space-padded) to seconds since the Unix epoch. Returns nullopt for an impossible
// date, time or zone.
std::optional<std::int64_t> parse_date_time(std::string_view text);

// Parses an IMAP date ("d-Mon-yyyy") to days since 1970-01-01.
std::optional<std::int64_t> parse_date(std::string_view text);

// Parses the date of an RFC 5322 Date header field to days since 1970-01-01 in the
// field's own zone, as SENTBEFORE, SENTON and SENTSINCE compare it.
std::optional<std::int64_t> parse_header_date(std::string_view value);

// Returns days since 1970-01-01 of a proleptic Gregorian date; month is 1 to 12.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

} // namespace skrynka::imap
