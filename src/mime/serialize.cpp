// Summary encoding and decoding. The decoder checks every length against the bytes
// that remain before it allocates or copies, in the manner of a log record reader, so
// garbage can only make it return nullopt.
#include "src/mime/serialize.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace skrynka::mime {
namespace {

constexpr std::string_view magic = "SKMS";
constexpr unsigned char flag_truncated = 0x01;

class writer {
  public:
    void octet(unsigned char value) { out_.push_back(value); }

    void varint(std::uint64_t value) {
        while (value >= 0x80) {
            out_.push_back(static_cast<unsigned char>(value | 0x80));
            value >>= 7;
        }
        out_.push_back(static_cast<unsigned char>(value));
    }

    void string(std::string_view text) {
        varint(text.size());
        out_.insert(out_.end(), text.begin(), text.end());
    }

    void optional_string(const std::optional<std::string>& text) {
        octet(text ? 1 : 0);
        if (text) {
            string(*text);
        }
    }

    void parameters(const std::vector<parameter>& list) {
        varint(list.size());
        for (const parameter& entry : list) {
            string(entry.name_);
            string(entry.value_);
        }
    }

    void addresses(const std::vector<address>& list) {
        varint(list.size());
        for (const address& entry : list) {
            octet(static_cast<unsigned char>(entry.kind_));
            string(entry.name_);
            string(entry.decoded_name_);
            string(entry.route_);
            string(entry.mailbox_);
            string(entry.host_);
        }
    }

    void envelope_fields(const envelope& value) {
        optional_string(value.date_);
        optional_string(value.subject_);
        addresses(value.from_);
        addresses(value.sender_);
        addresses(value.reply_to_);
        addresses(value.to_);
        addresses(value.cc_);
        addresses(value.bcc_);
        optional_string(value.in_reply_to_);
        optional_string(value.message_id_);
    }

    void part(const body_part& value) {
        string(value.type_);
        string(value.subtype_);
        parameters(value.parameters_);
        optional_string(value.id_);
        optional_string(value.description_);
        string(value.encoding_);
        optional_string(value.md5_);
        optional_string(value.disposition_);
        parameters(value.disposition_parameters_);
        varint(value.languages_.size());
        for (const std::string& language : value.languages_) {
            string(language);
        }
        optional_string(value.location_);
        varint(value.header_offset_);
        varint(value.header_length_);
        varint(value.body_offset_);
        varint(value.body_length_);
        varint(value.body_lines_);
        varint(value.children_.size());
        for (const body_part& child : value.children_) {
            part(child);
        }
        octet(value.envelope_ ? 1 : 0);
        if (value.envelope_) {
            envelope_fields(*value.envelope_);
        }
    }

    std::vector<unsigned char> take() { return std::move(out_); }

  private:
    std::vector<unsigned char> out_;
};

// Each read returns false on any violation, and the reader never moves past the end.
// Lists grow one decoded element at a time, never by a count read from the input, so
// memory stays proportional to the bytes actually decoded.
class reader {
  public:
    explicit reader(std::span<const unsigned char> bytes) : bytes_(bytes) {}

    std::size_t remaining() const { return bytes_.size() - position_; }

    bool octet(unsigned char& value) {
        if (remaining() < 1) {
            return false;
        }
        value = bytes_[position_++];
        return true;
    }

    bool flag(bool& value) {
        unsigned char octet_value = 0;
        if (!octet(octet_value) || octet_value > 1) {
            return false;
        }
        value = octet_value == 1;
        return true;
    }

    bool varint(std::uint64_t& value) {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            unsigned char byte = 0;
            if (!octet(byte)) {
                return false;
            }
            // The tenth octet may only carry the top bit of a 64-bit value.
            if (shift == 63 && byte > 1) {
                return false;
            }
            value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                // A zero last group after the first is a redundant, non-canonical encoding.
                return shift == 0 || byte != 0;
            }
        }
        return false;
    }

    // A count of elements that each take at least one octet.
    bool count(std::size_t& value) {
        std::uint64_t raw = 0;
        if (!varint(raw) || raw > remaining()) {
            return false;
        }
        value = static_cast<std::size_t>(raw);
        return true;
    }

    bool string(std::string& text) {
        std::size_t length = 0;
        if (!count(length)) {
            return false;
        }
        text.assign(reinterpret_cast<const char*>(bytes_.data() + position_), length);
        position_ += length;
        return true;
    }

    bool optional_string(std::optional<std::string>& text) {
        bool present = false;
        if (!flag(present)) {
            return false;
        }
        if (!present) {
            text.reset();
            return true;
        }
        text.emplace();
        return string(*text);
    }

    bool parameters(std::vector<parameter>& list) {
        std::size_t size = 0;
        if (!count(size)) {
            return false;
        }
        list.clear();
        for (std::size_t i = 0; i < size; ++i) {
            parameter& entry = list.emplace_back();
            if (!string(entry.name_) || !string(entry.value_)) {
                return false;
            }
        }
        return true;
    }

    bool addresses(std::vector<address>& list) {
        std::size_t size = 0;
        if (!count(size)) {
            return false;
        }
        list.clear();
        for (std::size_t i = 0; i < size; ++i) {
            address& entry = list.emplace_back();
            unsigned char kind = 0;
            if (!octet(kind) || kind > static_cast<unsigned char>(address_kind::group_end)) {
                return false;
            }
            entry.kind_ = static_cast<address_kind>(kind);
            if (!string(entry.name_) || !string(entry.decoded_name_) || !string(entry.route_) ||
                !string(entry.mailbox_) || !string(entry.host_)) {
                return false;
            }
        }
        return true;
    }

    bool envelope_fields(envelope& value) {
        return optional_string(value.date_) && optional_string(value.subject_) &&
               addresses(value.from_) && addresses(value.sender_) && addresses(value.reply_to_) &&
               addresses(value.to_) && addresses(value.cc_) && addresses(value.bcc_) &&
               optional_string(value.in_reply_to_) && optional_string(value.message_id_);
    }

    bool part(body_part& value, std::size_t depth) {
        if (depth > format_max_depth) {
            return false;
        }
        if (!string(value.type_) || !string(value.subtype_) || !parameters(value.parameters_) ||
            !optional_string(value.id_) || !optional_string(value.description_) ||
            !string(value.encoding_) || !optional_string(value.md5_) ||
            !optional_string(value.disposition_) || !parameters(value.disposition_parameters_)) {
            return false;
        }

        std::size_t language_count = 0;
        if (!count(language_count)) {
            return false;
        }
        for (std::size_t i = 0; i < language_count; ++i) {
            if (!string(value.languages_.emplace_back())) {
                return false;
            }
        }

        if (!optional_string(value.location_) || !varint(value.header_offset_) ||
            !varint(value.header_length_) || !varint(value.body_offset_) ||
            !varint(value.body_length_) || !varint(value.body_lines_)) {
            return false;
        }

        std::size_t child_count = 0;
        if (!count(child_count)) {
            return false;
        }
        for (std::size_t i = 0; i < child_count; ++i) {
            if (!part(value.children_.emplace_back(), depth + 1)) {
                return false;
            }
        }

        bool has_envelope = false;
        if (!flag(has_envelope)) {
            return false;
        }
        if (has_envelope) {
            value.envelope_.emplace();
            return envelope_fields(*value.envelope_);
        }
        value.envelope_.reset();
        return true;
    }

  private:
    std::span<const unsigned char> bytes_;
    std::size_t position_ = 0;
};

bool range_fits(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
    return offset <= size && length <= size - offset;
}

// The invariants summarize() guarantees, which the IMAP renderer relies on.
bool is_consistent(const body_part& part, std::uint64_t size) {
    if (!range_fits(part.header_offset_, part.header_length_, size) ||
        !range_fits(part.body_offset_, part.body_length_, size)) {
        return false;
    }
    if (part.is_multipart()) {
        if (part.children_.empty() || part.envelope_) {
            return false;
        }
    } else if (part.is_message()) {
        if (part.children_.size() != 1 || !part.envelope_) {
            return false;
        }
    } else if (!part.children_.empty() || part.envelope_) {
        return false;
    }
    for (const body_part& child : part.children_) {
        if (!is_consistent(child, size)) {
            return false;
        }
    }
    return true;
}

} // namespace

std::vector<unsigned char> serialize(const message_summary& summary) {
    writer out;
    for (const char c : magic) {
        out.octet(static_cast<unsigned char>(c));
    }
    out.octet(summary_format_version);
    out.octet(summary.truncated_ ? flag_truncated : 0);
    out.varint(summary.size_);
    out.varint(summary.header_size_);
    out.varint(summary.lines_);

    out.varint(summary.header_fields_.size());
    for (const header_field& field : summary.header_fields_) {
        out.string(field.name_);
        out.string(field.value_);
        out.string(field.decoded_value_);
    }
    out.envelope_fields(summary.envelope_);
    out.part(summary.body_);
    return out.take();
}

std::optional<message_summary> deserialize(std::span<const unsigned char> bytes) {
    reader in(bytes);
    for (const char c : magic) {
        unsigned char octet = 0;
        if (!in.octet(octet) || octet != static_cast<unsigned char>(c)) {
            return std::nullopt;
        }
    }
    unsigned char version = 0;
    unsigned char flags = 0;
    if (!in.octet(version) || version != summary_format_version || !in.octet(flags) ||
        (flags & ~flag_truncated) != 0) {
        return std::nullopt;
    }

    message_summary summary;
    summary.truncated_ = (flags & flag_truncated) != 0;
    if (!in.varint(summary.size_) || !in.varint(summary.header_size_) ||
        !in.varint(summary.lines_)) {
        return std::nullopt;
    }

    std::size_t field_count = 0;
    if (!in.count(field_count)) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < field_count; ++i) {
        header_field& field = summary.header_fields_.emplace_back();
        if (!in.string(field.name_) || !in.string(field.value_) ||
            !in.string(field.decoded_value_)) {
            return std::nullopt;
        }
    }

    if (!in.envelope_fields(summary.envelope_) || !in.part(summary.body_, 0)) {
        return std::nullopt;
    }
    if (in.remaining() != 0 || !is_consistent(summary.body_, summary.size_)) {
        return std::nullopt;
    }
    return summary;
}

} // namespace skrynka::mime
