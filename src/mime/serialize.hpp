// The binary form of a message summary, stored sealed next to each message.
//
// Format, version 1. Integers are unsigned LEB128 varints: 7 bits per octet, low group
// first, at most 10 octets, and no redundant trailing zero groups. A string is a varint
// length followed by that many octets. An optional string is one octet, 0 (absent) or 1
// (present), followed by the string when present. A list is a varint count followed by
// the elements.
//
//   summary   := "SKMS" version:octet(1) flags:octet size header_size lines
//                header_fields:list(name value decoded_value) envelope part
//   flags     := bit 0 truncated_; the other bits are zero
//   envelope  := date:opt subject:opt from sender reply_to to cc bcc
//                in_reply_to:opt message_id:opt        (each address list a list)
//   address   := kind:octet(0 mailbox, 1 group start, 2 group end)
//                name decoded_name route mailbox host
//   part      := type subtype parameters:list(name value) id:opt description:opt
//                encoding md5:opt disposition:opt disposition_parameters:list(name value)
//                languages:list(string) location:opt header_offset header_length
//                body_offset body_length body_lines children:list(part)
//                has_envelope:octet(0 or 1) [envelope]
//
// The encoding ends exactly after the top-level part. A summary produced by summarize()
// always deserializes to an equal summary.
#pragma once

#include "src/mime/limits.hpp"
#include "src/mime/summary.hpp"

#include <optional>
#include <span>
#include <vector>

namespace skrynka::mime {

constexpr unsigned char summary_format_version = 1;

// Encodes summary in the format above. Never fails other than std::bad_alloc. A summary
// nested deeper than format_max_depth, which summarize() never produces, is encoded but
// will not deserialize.
std::vector<unsigned char> serialize(const message_summary& summary);

// Decodes bytes produced by serialize(). Returns nullopt for truncated bytes, trailing
// data, a wrong magic, version or flag, a non-canonical varint, or a length or count
// that exceeds the remaining bytes. It also returns nullopt for nesting deeper than
// format_max_depth, a byte range outside the message size, and a structure summarize()
// cannot produce: a multipart without children, a message/rfc822 part without exactly
// one child and an envelope, or a leaf with children. Memory grows with the decoded
// elements, never with a count read from the input. Throws only std::bad_alloc.
std::optional<message_summary> deserialize(std::span<const unsigned char> bytes);

} // namespace skrynka::mime
