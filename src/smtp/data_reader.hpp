// Message text after DATA (RFC 5321 §4.1.1.4 and §4.5.2): dot-unstuffing, the end-of-data
// line CR LF "." CR LF and nothing else, and the checks that decide whether the message
// may be accepted. Works on lines from net::line_reader.
#pragma once

#include "src/net/line_reader.hpp"

#include <cstddef>
#include <string>

namespace skrynka::smtp {

enum class data_verdict {
    acceptable,
    bare_line_ending, // a bare LF or CR occurred (RFC 5321 §2.3.8, RFC 5322 §2.3)
    line_too_long,    // a line exceeded the text line limit (RFC 5322 §2.1.1)
    too_large,        // the message exceeded the size limit
};

class data_reader {
  public:
    // `size_max` bounds the octets kept; past it the text is counted and dropped.
    explicit data_reader(std::size_t size_max);

    // Adds one line. Returns true when the line ends the message text; that line is not
    // part of the message.
    bool add_line(const net::line& line);

    // The first problem found, in the order of the enum; `acceptable` when none.
    data_verdict verdict() const;

    // The unstuffed message with CR LF line ends; empty once the size limit was passed.
    std::string& message() { return message_; }
    // Octets received after unstuffing, also those dropped past the size limit.
    std::size_t received_size() const { return received_size_; }

  private:
    std::size_t size_max_;
    std::string message_;
    std::size_t received_size_ = 0;
    // The previous line ended in CR LF, so this line starts where a terminating or
    // stuffed dot may appear. DATA itself ended in CR LF, hence true at the start.
    bool at_crlf_line_start_ = true;
    bool bare_line_ending_ = false;
    bool line_too_long_ = false;
    bool too_large_ = false;
};

} // namespace skrynka::smtp
