// Bounded line splitter for the line-based mail protocols (SMTP, IMAP, POP3).
// Network input is hostile: a line longer than the limit is skipped up to the next
// LF and reported as too long, so the reader never buffers more than the limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::net {

// One line taken from the input. `text` excludes the terminator and stays valid until
// the next call on the reader.
struct line {
    std::string_view text;
    // The line plus its terminator exceeded the limit; `text` is empty because the
    // octets were discarded as they arrived.
    bool too_long = false;
    // The line ended in CR LF. False means it ended in a bare LF.
    bool crlf = false;
    // A CR that is not part of the final CR LF occurs inside the line.
    bool bare_cr = false;
    // Octets of the line including its terminator, also for a discarded line.
    std::size_t size = 0;
};

// Splits input into LF-terminated lines. Not thread-safe; one reader per connection.
// Lines may hold passwords, so every buffered octet is overwritten before its memory is
// reused or freed.
class line_reader {
  public:
    // `max_line_size` counts the octets of a line including CR LF.
    explicit line_reader(std::size_t max_line_size);
    ~line_reader();

    line_reader(const line_reader&) = delete;
    line_reader& operator=(const line_reader&) = delete;
    line_reader(line_reader&&) = default;
    line_reader& operator=(line_reader&&) = default;

    // Changes the limit for lines that start after this call.
    void set_max_line_size(std::size_t max_line_size);
    std::size_t max_line_size() const { return max_line_size_; }

    // Consumes octets from the front of `input` up to and including the first LF and
    // returns the completed line. Returns nothing once `input` is used up without an LF;
    // the partial line is kept (at most the limit) and completed by later calls.
    std::optional<line> next(std::string_view& input);

    // Octets of an incomplete line held from earlier calls (zero while discarding).
    std::size_t buffered() const { return partial_.size(); }

    // Forgets any partial line, for example at a STARTTLS boundary.
    void clear();

  private:
    std::optional<line> discard_until_lf(std::string_view& input);

    std::size_t max_line_size_;
    std::string partial_;
    std::string completed_;
    bool discarding_ = false;
    bool discard_saw_bare_cr_ = false;
    char discard_last_octet_ = '\0';
    std::size_t discarded_size_ = 0;
};

} // namespace skrynka::net
