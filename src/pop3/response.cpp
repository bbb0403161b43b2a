// POP3 response formatting and byte-stuffing; see response.hpp.
#include "src/pop3/response.hpp"

namespace skrynka::pop3 {

std::string format_ok(std::string_view text) {
    std::string line = "+OK";
    if (!text.empty()) {
        line += ' ';
        line += text;
    }
    line += "\r\n";
    return line;
}

std::string format_err(std::string_view code, std::string_view text) {
    std::string line = "-ERR";
    if (!code.empty()) {
        line += " [";
        line += code;
        line += ']';
    }
    if (!text.empty()) {
        line += ' ';
        line += text;
    }
    line += "\r\n";
    return line;
}

void dot_stuffer::append(std::string_view content, std::string& out) {
    std::size_t position = 0;
    while (position < content.size() && !done_) {
        if (at_line_start_ && content[position] == '.') {
            out += '.';
        }
        at_line_start_ = false;

        // Copy up to and including the next LF in one piece.
        const std::size_t lf = content.find('\n', position);
        const std::size_t end = lf == std::string_view::npos ? content.size() : lf + 1;
        const std::string_view piece = content.substr(position, end - position);
        for (const char c : piece) {
            if (c != '\r' && c != '\n') {
                line_is_empty_ = false;
            }
        }
        out += piece;
        position = end;
        if (lf != std::string_view::npos) {
            end_line();
        }
    }
}

void dot_stuffer::end_line() {
    // Only the lines after the header count against the TOP budget. The empty line that
    // ends the header is sent as part of the header (RFC 1939 section 7).
    if (in_header_) {
        if (line_is_empty_) {
            in_header_ = false;
        }
    } else if (body_lines_left_) {
        --*body_lines_left_;
    }
    if (!in_header_ && body_lines_left_ && *body_lines_left_ == 0) {
        done_ = true;
    }
    at_line_start_ = true;
    line_is_empty_ = true;
}

void dot_stuffer::finish(std::string& out) {
    if (!at_line_start_) {
        out += "\r\n";
    }
    out += ".\r\n";
}

} // namespace skrynka::pop3
