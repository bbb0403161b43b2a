// Command framing. The literal size is parsed strictly as 1 to 10 decimal digits within
// 32 bits (RFC 3501 section 9, "number") and compared with the limit before anything is
// stored, so "{5000000000}" or "{-1}" costs nothing but a reply.
#include "src/imap/command_reader.hpp"

#include <algorithm>
#include <sodium.h>

namespace skrynka::imap {

literal_marker find_literal_marker(std::string_view line) {
    literal_marker marker;
    if (line.empty() || line.back() != '}') {
        return marker;
    }
    const std::size_t open = line.rfind('{');
    if (open == std::string_view::npos) {
        return marker; // '}' is an ordinary atom character
    }
    marker.kind = literal_marker::kind::malformed;
    std::string_view digits = line.substr(open + 1, line.size() - open - 2);
    if (!digits.empty() && digits.back() == '+') {
        marker.non_synchronizing = true;
        digits.remove_suffix(1);
    }
    if (digits.empty() || digits.size() > 10) {
        return marker;
    }
    std::uint64_t size = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') {
            return marker;
        }
        size = size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (size > 0xffffffffu) {
        return marker;
    }
    marker.kind = literal_marker::kind::valid;
    marker.size = size;
    return marker;
}

command_reader::command_reader(std::size_t line_max, literal_limit_function literal_limit)
    : line_max_(line_max), literal_limit_(std::move(literal_limit)), lines_(line_max) {}

void command_reader::clear() {
    // A finished command may have carried a password (LOGIN, AUTHENTICATE), so its
    // octets are wiped rather than only released.
    // NOTE: net::line_reader keeps its own copy of the last line and does not wipe it.
    sodium_memzero(command_.data(), command_.size());
    lines_.clear();
    lines_.set_max_line_size(line_max_);
    command_.clear();
    command_line_bytes_ = 0;
    literal_total_ = 0;
    literal_remaining_ = 0;
    in_literal_ = false;
    reset_pending_ = false;
}

std::optional<frame> command_reader::next(std::string_view& input) {
    if (failed_) {
        input = {};
        return std::nullopt;
    }
    if (reset_pending_) {
        clear();
    }
    while (!input.empty()) {
        if (in_literal_) {
            const std::size_t take =
                static_cast<std::size_t>(std::min<std::uint64_t>(literal_remaining_, input.size()));
            command_.append(input.substr(0, take));
            input.remove_prefix(take);
            literal_remaining_ -= take;
            if (literal_remaining_ == 0) {
                in_literal_ = false;
                lines_.set_max_line_size(line_max_ - command_line_bytes_);
            }
            continue;
        }
        const std::optional<net::line> line = lines_.next(input);
        if (!line) {
            return std::nullopt;
        }
        if (std::optional<frame> result = finish_line(*line)) {
            return result;
        }
    }
    return std::nullopt;
}

std::optional<frame> command_reader::finish_line(const net::line& line) {
    if (line.too_long) {
        reset_pending_ = true;
        return frame{frame_kind::line_too_long, command_};
    }
    command_.append(line.text);
    command_line_bytes_ += line.size;

    const literal_marker marker = find_literal_marker(line.text);
    if (marker.kind == literal_marker::kind::none) {
        reset_pending_ = true;
        return frame{frame_kind::command, command_};
    }
    if (marker.kind == literal_marker::kind::malformed) {
        reset_pending_ = true;
        return frame{frame_kind::bad_literal, command_};
    }

    const std::uint64_t limit = literal_limit_(command_);
    if (marker.size > limit || literal_total_ + marker.size > limit) {
        reset_pending_ = true;
        failed_ = marker.non_synchronizing;
        return frame{frame_kind::literal_too_large, command_, marker.size,
                     marker.non_synchronizing};
    }
    literal_total_ += marker.size;
    command_ += "\r\n";
    // The next line must fit in what is left of the line budget. At least one octet is
    // left so that line_reader stays usable and reports the overflow as line_too_long.
    if (command_line_bytes_ >= line_max_) {
        command_line_bytes_ = line_max_ - 1;
    }
    if (marker.size > 0) {
        in_literal_ = true;
        literal_remaining_ = marker.size;
    } else {
        lines_.set_max_line_size(line_max_ - command_line_bytes_);
    }
    if (!marker.non_synchronizing) {
        return frame{frame_kind::continue_literal, command_};
    }
    return std::nullopt;
}

} // namespace skrynka::imap
