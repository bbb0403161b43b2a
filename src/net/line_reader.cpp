// Bounded line splitter; see line_reader.hpp. RFC 5321 §2.3.8 and RFC 5322 §2.3 make
// CR LF the only line terminator, so bare LF and stray CR are reported, not repaired.
#include "src/net/line_reader.hpp"

#include "src/net/wipe.hpp"

namespace skrynka::net {

namespace {

// True when `text` (a line without its LF) contains a CR other than a final one.
bool has_bare_cr(std::string_view text) {
    if (!text.empty() && text.back() == '\r') {
        text.remove_suffix(1);
    }
    return text.find('\r') != std::string_view::npos;
}

} // namespace

line_reader::line_reader(std::size_t max_line_size) : max_line_size_(max_line_size) {}

line_reader::~line_reader() {
    wipe_string(partial_);
    wipe_string(completed_);
}

void line_reader::set_max_line_size(std::size_t max_line_size) {
    max_line_size_ = max_line_size;
}

void line_reader::clear() {
    wipe_string(partial_);
    wipe_string(completed_);
    discarding_ = false;
    discard_saw_bare_cr_ = false;
    discard_last_octet_ = '\0';
    discarded_size_ = 0;
}

std::optional<line> line_reader::next(std::string_view& input) {
    wipe_string(completed_);
    if (discarding_) {
        return discard_until_lf(input);
    }

    const std::size_t lf = input.find('\n');
    const std::size_t piece_size = (lf == std::string_view::npos) ? input.size() : lf + 1;
    if (partial_.size() + piece_size > max_line_size_) {
        // Switch to discarding: remember what the dropped prefix tells us about CRs,
        // then let discard_until_lf() consume the rest of the line.
        discarding_ = true;
        discarded_size_ = partial_.size();
        discard_saw_bare_cr_ = has_bare_cr(partial_);
        discard_last_octet_ = partial_.empty() ? '\0' : partial_.back();
        wipe_string(partial_);
        return discard_until_lf(input);
    }

    if (lf == std::string_view::npos) {
        append_wiping(partial_, input);
        input.remove_prefix(input.size());
        return std::nullopt;
    }

    completed_.swap(partial_);
    append_wiping(completed_, input.substr(0, lf));
    input.remove_prefix(lf + 1);

    line result;
    result.size = completed_.size() + 1;
    result.bare_cr = has_bare_cr(completed_);
    result.crlf = !completed_.empty() && completed_.back() == '\r';
    std::string_view text = completed_;
    if (result.crlf) {
        text.remove_suffix(1);
    }
    result.text = text;
    return result;
}

std::optional<line> line_reader::discard_until_lf(std::string_view& input) {
    const std::size_t lf = input.find('\n');
    const std::string_view piece =
        input.substr(0, lf == std::string_view::npos ? input.size() : lf);

    // A CR followed by anything inside the discarded span is a bare CR. The CR that
    // ends the previous piece counts only when more octets follow before the LF.
    if (discard_last_octet_ == '\r' && !piece.empty()) {
        discard_saw_bare_cr_ = true;
    }
    if (has_bare_cr(piece)) {
        discard_saw_bare_cr_ = true;
    }
    if (!piece.empty()) {
        discard_last_octet_ = piece.back();
    }
    discarded_size_ += piece.size();

    if (lf == std::string_view::npos) {
        input.remove_prefix(input.size());
        return std::nullopt;
    }
    input.remove_prefix(lf + 1);

    line result;
    result.too_long = true;
    result.crlf = discard_last_octet_ == '\r';
    result.bare_cr = discard_saw_bare_cr_;
    result.size = discarded_size_ + 1;

    discarding_ = false;
    discard_saw_bare_cr_ = false;
    discard_last_octet_ = '\0';
    discarded_size_ = 0;
    return result;
}

} // namespace skrynka::net
