#include "src/archive/mbox_reader.hpp"

#include "src/archive/mbox_format.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace skrynka::archive {

skipped_message::skipped_message(std::string_view where, std::uint64_t size)
    : std::runtime_error(fmt::format("{} has {} bytes or more, over limits.imap_append_max_bytes; "
                                     "it was skipped",
                                     where, size)) {}

mbox_reader::mbox_reader(std::istream& input, std::uint64_t max_message_size)
    : input_(input), max_message_size_(max_message_size) {}

bool mbox_reader::read_line(std::string& line) {
    line.clear();
    line_truncated_ = false;
    // Reads through the stream buffer so that a line without a break, however long,
    // never takes more than the message limit in memory.
    const std::size_t keep = static_cast<std::size_t>(
        std::min<std::uint64_t>(max_message_size_ + 2, std::string().max_size() / 2));
    std::streambuf& buffer = *input_.rdbuf();
    bool read_any = false;
    while (true) {
        const int c = buffer.sbumpc();
        if (c == std::char_traits<char>::eof()) {
            break;
        }
        read_any = true;
        ++bytes_read_;
        if (line.size() < keep) {
            line += static_cast<char>(c);
        } else {
            line_truncated_ = true;
        }
        if (c == '\n') {
            break;
        }
    }
    return read_any;
}

std::optional<mbox_message> mbox_reader::next() {
    std::string line;
    if (!started_) {
        started_ = true;
        if (!read_line(line)) {
            return std::nullopt; // an empty file contains no messages
        }
        if (!line.starts_with("From ")) {
            throw std::runtime_error("not an mbox file: the first line does not start with "
                                     "\"From \"");
        }
        pending_separator_ = line;
    }
    if (!pending_separator_) {
        return std::nullopt;
    }

    mbox_message message;
    message.ordinal = ++ordinal_;
    message.separator = *pending_separator_;
    const bool crlf_file = message.separator.ends_with("\r\n");
    while (!message.separator.empty() &&
           (message.separator.back() == '\n' || message.separator.back() == '\r')) {
        message.separator.pop_back();
    }
    pending_separator_.reset();

    std::string quoted;
    std::uint64_t size = 0;
    bool too_big = false;
    while (read_line(line)) {
        if (line.starts_with("From ")) {
            pending_separator_ = line;
            break;
        }
        size += line.size();
        if (line_truncated_ || size > max_message_size_ + 2) {
            too_big = true;
            quoted.clear();
            quoted.shrink_to_fit();
        }
        if (!too_big) {
            quoted += line;
        }
    }
    if (too_big) {
        throw skipped_message(fmt::format("message {} of the mbox file", message.ordinal), size);
    }

    // The empty line before the next separator belongs to the format.
    if (crlf_file && quoted.ends_with("\r\n")) {
        quoted.resize(quoted.size() - 2);
    } else if (quoted.ends_with('\n')) {
        quoted.pop_back();
    }
    message.bytes = unquote(quoted);
    return message;
}

} // namespace skrynka::archive
