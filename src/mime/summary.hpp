// The message summary: the data the IMAP server needs for ENVELOPE, BODYSTRUCTURE,
// SEARCH, SORT and section fetches (BODY[1.2.MIME] and the like) without decrypting
// the message. RFC 3501 section 7.4.2 defines the fields, and RFC 2045 and 2046 the parts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::mime {

enum class address_kind : std::uint8_t {
    mailbox = 0,     // an ordinary address
    group_start = 1, // RFC 5322 "name:"; IMAP renders (NIL NIL "name" NIL), name in mailbox_
    group_end = 2,   // RFC 5322 ";"; IMAP renders (NIL NIL NIL NIL)
};

// One element of an IMAP ENVELOPE address list.
struct address {
    address_kind kind_ = address_kind::mailbox;
    // Display name as IMAP sends it: quotes and comments removed, encoded words kept.
    // Empty when the address has no display name (rendered as NIL).
    std::string name_;
    // The display name with RFC 2047 encoded words decoded, always valid UTF-8 (SORT DISPLAY).
    std::string decoded_name_;
    // Source route of the obsolete "<@a,@b:user@host>" form without the trailing colon.
    // Empty in nearly all mail (rendered as NIL).
    std::string route_;
    // Local part (a quoted local part keeps its quotes), or the group name for group_start.
    std::string mailbox_;
    // Domain, empty when the address had none.
    // RFC 3501 reads a NIL host as a group marker, so src/imap/message_render.cpp sends a
    // placeholder host for these addresses.
    std::string host_;

    bool operator==(const address&) const = default;
};

// ENVELOPE data of one message. Text fields hold raw unfolded header values (IMAP sends
// encoded words undecoded); nullopt means the field is absent (rendered as NIL).
// An empty sender_ or reply_to_ list means the field is absent or empty, and IMAP then
// sends the from_ list in its place (RFC 3501 section 7.4.2).
struct envelope {
    std::optional<std::string> date_;
    std::optional<std::string> subject_;
    std::vector<address> from_;
    std::vector<address> sender_;
    std::vector<address> reply_to_;
    std::vector<address> to_;
    std::vector<address> cc_;
    std::vector<address> bcc_;
    std::optional<std::string> in_reply_to_;
    std::optional<std::string> message_id_;

    bool operator==(const envelope&) const = default;
};

// One parameter of Content-Type or Content-Disposition. RFC 2231 continuations are
// joined and extended values decoded to UTF-8 when their charset is known.
struct parameter {
    std::string name_;  // lowercase, without any RFC 2231 "*0*" suffix
    std::string value_; // unquoted and unescaped
    bool operator==(const parameter&) const = default;
};

// One node of the body structure. Offsets and lengths are octets within the raw message
// passed to summarize(), so a section fetch reads exactly that byte range:
//   BODY[n.MIME] or BODY[HEADER]  -> [header_offset_, header_offset_ + header_length_)
//   BODY[n] or BODY[TEXT]         -> [body_offset_, body_offset_ + body_length_)
// For message/rfc822, BODY[n.HEADER] and BODY[n.TEXT] are the header and body ranges of
// children_[0], the encapsulated message.
struct body_part {
    std::string type_ = "text";     // lowercase
    std::string subtype_ = "plain"; // lowercase
    // Content-Type parameters in header order. A text part without charset gets
    // charset=us-ascii (RFC 2045 section 5.2); "boundary" stays in the list for multiparts.
    std::vector<parameter> parameters_;
    std::optional<std::string> id_;          // Content-ID, raw and trimmed
    std::optional<std::string> description_; // Content-Description, raw unfolded
    std::string encoding_ = "7bit";          // Content-Transfer-Encoding, lowercase
    std::optional<std::string> md5_;         // Content-MD5, raw and trimmed
    std::optional<std::string> disposition_; // Content-Disposition type, lowercase
    std::vector<parameter> disposition_parameters_;
    std::vector<std::string> languages_;  // Content-Language tags in header order
    std::optional<std::string> location_; // Content-Location with folding whitespace removed

    std::uint64_t header_offset_ = 0;
    std::uint64_t header_length_ = 0; // includes the empty line ending the header, if any
    std::uint64_t body_offset_ = 0;
    std::uint64_t body_length_ = 0;
    // Lines in the body: line feeds, plus one for a last line without a line feed.
    // IMAP sends it for text/* and message/rfc822 parts; it is computed for every part.
    std::uint64_t body_lines_ = 0;

    // multipart/*: the parts between the boundaries, never empty (a multipart without
    // any part is summarized as text/plain). message/rfc822 and message/global: exactly
    // one element, the encapsulated message's top-level part. Otherwise empty.
    std::vector<body_part> children_;
    // message/rfc822 and message/global only: the encapsulated message's envelope.
    std::optional<envelope> envelope_;

    bool is_multipart() const { return type_ == "multipart"; }
    // message/rfc822, or message/global (RFC 6532), which IMAP4rev2 presents the same way.
    bool is_message() const {
        return type_ == "message" && (subtype_ == "rfc822" || subtype_ == "global");
    }
    // Returns the value of the Content-Type parameter with this lowercase name, if present.
    const std::string* find_parameter(std::string_view name) const;

    bool operator==(const body_part&) const = default;
};

// One top-level header field, for SEARCH HEADER and SORT.
struct header_field {
    std::string name_;          // as written (compare case-insensitively)
    std::string value_;         // raw, unfolded (CRLF before folding whitespace removed)
    std::string decoded_value_; // RFC 2047 decoded, always valid UTF-8
    bool operator==(const header_field&) const = default;
};

struct message_summary {
    envelope envelope_;
    body_part body_; // the top-level part: header_ range is the message header
    // Top-level header fields in order, at most limits::max_header_fields_.
    std::vector<header_field> header_fields_;
    std::uint64_t size_ = 0;        // the whole message in octets (RFC822.SIZE)
    std::uint64_t header_size_ = 0; // the top-level header section including its empty line
    std::uint64_t lines_ = 0;       // lines in the whole message, counted like body_lines_
    // True when a limit cut the summary short: parts, depth, header fields or addresses.
    bool truncated_ = false;

    bool operator==(const message_summary&) const = default;
};

} // namespace skrynka::mime
