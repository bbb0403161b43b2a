// libFuzzer target for the MIME summary parser: summarize() must not crash, hang or
// overrun on any input, its byte ranges must lie inside the message, and the binary
// form must round-trip exactly. Built as a plain program with replay_main.cpp, the
// same entry point replays a corpus in every build.
#include "src/mime/serialize.hpp"
#include "src/mime/summarize.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>

namespace {

using namespace skrynka::mime;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

void check_part(const body_part& part, std::uint64_t size) {
    require(part.header_offset_ + part.header_length_ == part.body_offset_);
    require(part.body_offset_ + part.body_length_ <= size);
    require(!part.is_multipart() || !part.children_.empty());
    require(!part.is_message() || (part.children_.size() == 1 && part.envelope_));
    for (const body_part& child : part.children_) {
        require(child.header_offset_ >= part.body_offset_);
        require(child.body_offset_ + child.body_length_ <= part.body_offset_ + part.body_length_);
        check_part(child, size);
    }
}

void check(std::string_view raw, const limits& bounds) {
    const message_summary summary = summarize(raw, bounds);
    require(summary.size_ == raw.size());
    require(summary.body_.header_offset_ == 0);
    require(summary.body_.body_offset_ + summary.body_.body_length_ == raw.size());
    check_part(summary.body_, raw.size());

    const std::vector<unsigned char> bytes = serialize(summary);
    const std::optional<message_summary> decoded = deserialize(bytes);
    require(decoded.has_value());
    require(*decoded == summary);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    check(raw, limits{});

    // Small limits reach the truncation paths with small inputs.
    limits tight;
    tight.max_depth_ = 2;
    tight.max_parts_ = 4;
    tight.max_header_fields_ = 3;
    tight.max_header_line_length_ = 40;
    tight.max_header_field_length_ = 60;
    tight.max_addresses_ = 2;
    check(raw, tight);

    // Deserializing arbitrary bytes must fail cleanly or round-trip.
    const std::span<const unsigned char> bytes(data, size);
    if (const std::optional<message_summary> decoded = deserialize(bytes)) {
        const std::vector<unsigned char> again = serialize(*decoded);
        require(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()));
    }
    return 0;
}
