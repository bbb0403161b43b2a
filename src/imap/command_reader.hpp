// Framing of IMAP client commands (RFC 3501 sections 2.2.1, 4.3 and 7.5; RFC 7888
// LITERAL+): lines, synchronizing literals {n} that need a "+" continuation request,
// and non-synchronizing literals {n+}. Network input is hostile, so the announced size
// of every literal is checked against a limit before a single octet of it is stored.
#pragma once

#include "src/net/line_reader.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::imap {

enum class frame_kind {
    // A complete command. text is its wire form without the final line end: lines
    // joined by CR LF, each literal's octets right after the CR LF ending its "{n}" line.
    command,
    // The command announced a synchronizing literal within the limit: send "+ ...".
    continue_literal,
    // Reply BAD: the command's lines, literals not counted, exceeded the line limit.
    // The rest of the line was skipped.
    line_too_long,
    // Reply BAD: a line ended in "{...}" that is not a valid literal size (empty,
    // negative, not decimal, above 4294967295).
    bad_literal,
    // The announced literal would take the command over its literal limit. For a
    // synchronizing literal reply NO or BAD and go on: the client sends no octets
    // without a continuation request. For a non-synchronizing one the octets are on
    // their way, so the stream is lost: reply and close the session (RFC 7888 section 4).
    literal_too_large,
};

struct frame {
    frame_kind kind = frame_kind::command;
    // For command, the command. For the other kinds, what had arrived of the command
    // (without the failing line for line_too_long), so the session can find the tag.
    std::string_view text;
    std::uint64_t literal_size = 0; // literal_too_large only
    bool non_synchronizing = false; // literal_too_large only
};

// Returns the largest total of literal octets the command begun in text may carry.
// text contains the command so far, up to and including the "{n}" that is being checked.
using literal_limit_function = std::function<std::uint64_t(std::string_view text)>;

// Splits client input into commands. Not thread-safe; one reader per session. Buffers at
// most line_max octets of command text plus the literal octets the limit function allows.
class command_reader {
  public:
    command_reader(std::size_t line_max, literal_limit_function literal_limit);

    // Consumes octets from the front of input and returns the next frame, or nothing
    // once input is used up. A returned text stays valid until the next call.
    std::optional<frame> next(std::string_view& input);

    // Wipes and discards the partial command and any pending literal (at STARTTLS).
    void clear();

    // True after a refused non-synchronizing literal: later input cannot be framed.
    bool failed() const { return failed_; }

  private:
    std::optional<frame> finish_line(const net::line& line);

    std::size_t line_max_;
    literal_limit_function literal_limit_;
    net::line_reader lines_;
    std::string command_;
    std::size_t command_line_bytes_ = 0; // octets of command_ that are not literal data
    std::uint64_t literal_total_ = 0;
    std::uint64_t literal_remaining_ = 0;
    bool in_literal_ = false;
    bool reset_pending_ = false;
    bool failed_ = false;
};

// The literal size at the end of a line, if any.
struct literal_marker {
    enum class kind { none, valid, malformed } kind = kind::none;
    std::uint64_t size = 0;
    bool non_synchronizing = false;
};

// Looks for "{n}" or "{n+}" at the end of a line (without its line end).
literal_marker find_literal_marker(std::string_view line);

} // namespace skrynka::imap
