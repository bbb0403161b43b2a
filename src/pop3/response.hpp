// POP3 responses (RFC 1939 section 3): single-line "+OK" and "-ERR" lines with an
// optional RFC 2449 response code, and multi-line bodies with byte-stuffing and the
// CRLF "." CRLF terminator. Pure code over strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::pop3 {

// Returns "+OK text" CRLF, or "+OK" CRLF when text is empty.
std::string format_ok(std::string_view text);

// Returns "-ERR [code] text" CRLF, without the brackets when code is empty.
std::string format_err(std::string_view code, std::string_view text);

// Appends message content to a multi-line response. Every line that begins with "."
// gets one more "." in front (RFC 1939 section 3). Nothing else is changed, so the
// client reads back exactly the stored octets. Lines end at LF, so a line after a bare
// LF is stuffed as well. Input may arrive in pieces split anywhere.
//
// With a body line budget (TOP, RFC 1939 section 7) the stuffer passes the header
// section, the empty line that ends it, and then at most that many body lines, and
// reports done() once the budget is spent.
class dot_stuffer {
  public:
    // No budget: pass everything (RETR).
    dot_stuffer() = default;
    // Pass the header and body_lines lines of the body (TOP msg n).
    explicit dot_stuffer(std::uint64_t body_lines) : body_lines_left_(body_lines) {}

    // Stuffs as much of content as the budget allows and appends it to out.
    void append(std::string_view content, std::string& out);

    // True when the TOP budget is spent and further content would be dropped.
    bool done() const noexcept { return done_; }

    // Ends the response: CRLF when the content did not end with a line break, then
    // "." CRLF.
    void finish(std::string& out);

  private:
    void end_line();

    std::optional<std::uint64_t> body_lines_left_;
    bool at_line_start_ = true;
    bool in_header_ = true;
    bool line_is_empty_ = true; // no octet but CR seen on the current line yet
    bool done_ = false;
};

} // namespace skrynka::pop3
