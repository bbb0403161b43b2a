// Reads an mbox file one message at a time, so a Google Takeout archive of several
// gigabytes never sits in memory whole.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skrynka::archive {

// One message of an mbox file, unquoted (mboxrd), separator line removed.
struct mbox_message {
    std::string separator; // the "From " line, without its line break
    std::string bytes;     // the message, still with any Status:/X-Status: headers
    std::uint64_t ordinal = 0; // 1 for the first message of the file
};

// Not thread-safe. The stream must outlive the reader.
class mbox_reader {
  public:
    // max_message_size bounds one message in bytes; a longer one is skipped (see next()).
    mbox_reader(std::istream& input, std::uint64_t max_message_size);

    // Returns the next message, or nothing at the end of the file. A message ends at the
    // next line that starts with "From " or at the end of the file. The line break just
    // before that point belongs to the format, not to the message (RFC 4155 puts an
    // empty line there): CRLF when the separator lines end in CRLF, LF otherwise. Throws std::runtime_error when the file does
    // not start with a "From " line, and skipped_message when a message is longer than
    // max_message_size (the reader is then at the next message).
    std::optional<mbox_message> next();

    // Bytes consumed so far, for a progress display.
    std::uint64_t bytes_read() const noexcept { return bytes_read_; }

  private:
    bool read_line(std::string& line);

    std::istream& input_;
    std::uint64_t max_message_size_;
    std::uint64_t bytes_read_ = 0;
    std::uint64_t ordinal_ = 0;
    std::optional<std::string> pending_separator_;
    bool started_ = false;
    bool line_truncated_ = false; // the last line read was longer than the message limit
};

// A message that was longer than the import limit and was skipped; what() names it.
class skipped_message : public std::runtime_error {
  public:
    skipped_message(std::string_view where, std::uint64_t size);
};

} // namespace skrynka::archive
