// DATA text reader; see data_reader.hpp for the RFC sections it implements.
#include "src/smtp/data_reader.hpp"

namespace skrynka::smtp {

data_reader::data_reader(std::size_t size_max) : size_max_(size_max) {}

bool data_reader::add_line(const net::line& line) {
    // Only CR LF "." CR LF ends the data (RFC 5321 §4.1.1.4). A dot line reached through
    // a bare LF or holding a bare CR is ordinary text, so smuggled commands behind such
    // a sequence stay inside this message, which is then rejected as a whole.
    const bool clean = !line.too_long && line.crlf && !line.bare_cr;
    if (clean && at_crlf_line_start_ && line.text == ".") {
        return true;
    }

    if (!line.crlf || line.bare_cr) {
        bare_line_ending_ = true;
    }
    if (line.too_long) {
        line_too_long_ = true;
    }

    std::string_view text = line.text;
    // RFC 5321 §4.5.2: a line that starts with a dot loses that first dot, including
    // the very first line of the message.
    if (at_crlf_line_start_ && !text.empty() && text.front() == '.') {
        text.remove_prefix(1);
    }
    at_crlf_line_start_ = line.crlf;

    const std::size_t added = line.too_long ? line.size : text.size() + 2;
    received_size_ += added;
    if (received_size_ > size_max_) {
        if (!too_large_) {
            too_large_ = true;
            message_.clear();
            message_.shrink_to_fit();
        }
        return false;
    }
    if (!bare_line_ending_ && !line_too_long_) {
        message_.append(text);
        message_.append("\r\n");
    }
    return false;
}

data_verdict data_reader::verdict() const {
    if (bare_line_ending_) {
        return data_verdict::bare_line_ending;
    }
    if (line_too_long_) {
        return data_verdict::line_too_long;
    }
    if (too_large_) {
        return data_verdict::too_large;
    }
    return data_verdict::acceptable;
}

} // namespace skrynka::smtp
