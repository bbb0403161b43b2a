// The body structure walk (RFC 2046 section 5). Each multipart finds its own boundaries
// inside the byte range its parent gave it, so an inner multipart that never closes
// still ends at the outer boundary. Each nesting level scans its bytes a fixed number
// of times (header, boundaries, line count), so time is O(size * max_depth).
#include "src/mime/summarize.hpp"

#include "src/mime/encoded_word.hpp"
#include "src/mime/header.hpp"
#include "src/mime/part_header.hpp"
#include "src/mime/text.hpp"

#include <algorithm>
#include <optional>

namespace skrynka::mime {
namespace {

// A boundary delimiter line (RFC 2046 section 5.1.1): "--" boundary, "--" if it closes
// the multipart, optional transport padding, then the line break or the end of the range.
struct delimiter {
    bool closing = false;
    std::size_t line_end = 0; // one past the line break
};

class walker {
  public:
    walker(std::string_view raw, const limits& bounds) : raw_(raw), bounds_(bounds) {
        bounds_.max_depth_ = std::min(bounds_.max_depth_, format_max_depth);
    }

    message_summary run() {
        message_summary summary;
        ++parts_;
        parse_part(0, raw_.size(), 0, false, summary.body_, &summary.envelope_,
                   &summary.header_fields_);
        summary.size_ = raw_.size();
        summary.header_size_ = summary.body_.header_length_;
        summary.lines_ = count_lines(raw_);
        summary.truncated_ = truncated_;
        return summary;
    }

  private:
    // Fills part from raw_[begin, end). For a message header (the top level or an
    // encapsulated message) envelope_out and fields_out receive its ENVELOPE fields
    // and, when fields_out is set, its header fields for SEARCH.
    void parse_part(std::size_t begin, std::size_t end, std::size_t depth, bool in_digest,
                    body_part& part, envelope* envelope_out,
                    std::vector<header_field>* fields_out) {
        const header_section header = parse_header(raw_.substr(begin, end - begin), bounds_);
        truncated_ = truncated_ || header.truncated_;
        apply_part_header(header, in_digest, part);
        if (envelope_out != nullptr) {
            *envelope_out = build_envelope(header, bounds_, truncated_);
        }
        if (fields_out != nullptr) {
            for (const raw_header_field& field : header.fields_) {
                fields_out->push_back(header_field{std::string(field.name_), field.value_,
                                                   decode_encoded_words(field.value_)});
            }
        }

        part.header_offset_ = begin;
        part.header_length_ = header.length_;
        part.body_offset_ = begin + header.length_;
        part.body_length_ = end - part.body_offset_;
        part.body_lines_ = count_lines(raw_.substr(part.body_offset_, part.body_length_));

        if (part.is_multipart()) {
            parse_multipart(depth, part);
        } else if (part.is_message()) {
            parse_encapsulated(depth, part);
        }
    }

    void parse_multipart(std::size_t depth, body_part& part) {
        const std::string* boundary = part.find_parameter("boundary");
        if (boundary == nullptr || boundary->empty()) {
            // RFC 2046 section 5.1.1 makes the boundary mandatory, so the Content-Type is
            // invalid, and RFC 2045 section 5.2 makes an invalid one text/plain.
            make_text_plain(part);
            return;
        }
        if (depth >= bounds_.max_depth_ || parts_ >= bounds_.max_parts_) {
            make_opaque(part);
            return;
        }

        split_multipart(*boundary, depth, part);
        if (part.children_.empty()) {
            // No part between boundaries: IMAP has no grammar for an empty multipart.
            make_text_plain(part);
        }
    }

    void split_multipart(const std::string& boundary, std::size_t depth, body_part& part) {
        const std::size_t body_begin = part.body_offset_;
        const std::size_t body_end = part.body_offset_ + part.body_length_;
        const bool digest = part.subtype_ == "digest";
        std::optional<std::size_t> open_part; // start of the part being collected

        std::size_t line = body_begin;
        while (line < body_end) {
            const std::optional<delimiter> found = match_delimiter(boundary, line, body_end);
            if (found) {
                // A delimiter line right after another one encloses no part at all, not
                // an empty part; mail readers (Python's email package among them) skip it.
                const bool empty = open_part && *open_part == line;
                if (open_part && !empty &&
                    !add_child(*open_part, content_end(*open_part, line), depth, digest, part)) {
                    return;
                }
                if (found->closing) {
                    return; // the rest is the epilogue
                }
                open_part = found->line_end;
                line = found->line_end;
                continue;
            }
            const std::size_t line_feed = raw_.find('\n', line);
            if (line_feed == std::string_view::npos || line_feed >= body_end) {
                break;
            }
            line = line_feed + 1;
        }

        // The closing delimiter is missing: the last part runs to the end of the body.
        if (open_part) {
            add_child(*open_part, body_end, depth, digest, part);
        }
    }

    std::optional<delimiter> match_delimiter(const std::string& boundary, std::size_t line,
                                             std::size_t end) const {
        const std::string_view range = raw_.substr(line, end - line);
        if (range.size() < 2 + boundary.size() || !range.starts_with("--") ||
            range.substr(2, boundary.size()) != boundary) {
            return std::nullopt;
        }
        std::size_t i = 2 + boundary.size();
        delimiter found;
        if (range.substr(i).starts_with("--")) {
            found.closing = true;
            i += 2;
        }
        while (i < range.size() && (range[i] == ' ' || range[i] == '\t')) {
            ++i;
        }
        if (i == range.size()) {
            found.line_end = end;
            return found;
        }
        if (range[i] == '\n') {
            found.line_end = line + i + 1;
            return found;
        }
        if (range[i] == '\r' && (i + 1 == range.size() || range[i + 1] == '\n')) {
            found.line_end = line + std::min(i + 2, range.size());
            return found;
        }
        return std::nullopt;
    }

    // The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
    std::size_t content_end(std::size_t part_begin, std::size_t delimiter_line) const {
        std::size_t end = delimiter_line;
        if (end > part_begin && raw_[end - 1] == '\n') {
            --end;
            if (end > part_begin && raw_[end - 1] == '\r') {
                --end;
            }
        }
        return end;
    }

    // Returns false when the part limit stopped the multipart.
    bool add_child(std::size_t begin, std::size_t end, std::size_t depth, bool digest,
                   body_part& parent) {
        if (parts_ >= bounds_.max_parts_) {
            truncated_ = true;
            return false;
        }
        ++parts_;
        parent.children_.emplace_back();
        parse_part(begin, end, depth + 1, digest, parent.children_.back(), nullptr, nullptr);
        return true;
    }

    // TODO: RFC 2046 section 5.2.1 allows only 7bit, 8bit and binary here. A base64 or
    // quoted-printable message/rfc822 is parsed undecoded, so its envelope comes out empty.
    void parse_encapsulated(std::size_t depth, body_part& part) {
        if (depth >= bounds_.max_depth_ || parts_ >= bounds_.max_parts_) {
            make_opaque(part);
            return;
        }
        ++parts_;
        part.envelope_.emplace();
        part.children_.emplace_back();
        const std::size_t end = part.body_offset_ + part.body_length_;
        parse_part(part.body_offset_, end, depth + 1, false, part.children_.back(),
                   &*part.envelope_, nullptr);
    }

    static void make_text_plain(body_part& part) {
        part.type_ = "text";
        part.subtype_ = "plain";
        part.parameters_ = {parameter{"charset", "us-ascii"}};
        part.children_.clear();
        part.envelope_.reset();
    }

    // A part the limits do not let us look into.
    // NOTE: no RFC covers this case; application/octet-stream keeps the BODYSTRUCTURE
    // grammatical and BODY[n] still returns the bytes, but the original type is lost.
    void make_opaque(body_part& part) {
        truncated_ = true;
        part.type_ = "application";
        part.subtype_ = "octet-stream";
        part.parameters_.clear();
        part.children_.clear();
        part.envelope_.reset();
    }

    std::string_view raw_;
    limits bounds_;
    std::size_t parts_ = 0;
    bool truncated_ = false;
};

} // namespace

message_summary summarize(std::string_view raw_message, const limits& bounds) {
    return walker(raw_message, bounds).run();
}

} // namespace skrynka::mime
