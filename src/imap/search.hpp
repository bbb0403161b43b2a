// SEARCH criteria (RFC 3501 sections 6.4.4 and 9, "search-key"; RFC 7162 MODSEQ): the
// parser that turns them into a tree, and the evaluator that matches one message.
#pragma once

#include "src/imap/argument_parser.hpp"
#include "src/imap/sequence_set.hpp"
#include "src/mime/summary.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace skrynka::imap {

struct search_key {
    enum class kind {
        all,        // matches every message; also an AND of children
        any,        // OR of the two children
        negation,   // NOT of the one child
        flag_set,   // flag bits all set
        flag_unset, // flag bits all clear
        keyword_set,
        keyword_unset,
        recent,
        not_recent,
        is_new, // \Recent and not \Seen
        header, // field contains text; field "" never happens
        body,
        text,
        before, // internal date, days since the epoch
        on,
        since,
        sent_before, // Date header field, days since the epoch
        sent_on,
        sent_since,
        larger,
        smaller,
        sequence, // message sequence numbers
        uid,
        modseq,
    };
    kind type = kind::all;
    std::uint32_t flags = 0;
    std::string field; // header name for header
    std::string text;  // keyword or substring
    std::int64_t number = 0;
    std::optional<sequence_set> set;
    std::vector<search_key> children;
};

enum class search_error {
    syntax,          // BAD
    unknown_charset, // NO [BADCHARSET (UTF-8 US-ASCII)]
};

struct search_program {
    search_key root; // kind::all with the top-level keys as children
    bool uses_modseq = false;
};

// Parses [CHARSET astring SP] search-key *(SP search-key) up to the end of the command.
std::variant<search_program, search_error> parse_search(argument_parser& arguments);

// The attributes of one message that the evaluator reads without decrypting it.
struct search_message {
    std::uint32_t sequence = 0;
    std::uint32_t uid = 0;
    std::uint32_t flags = 0;
    const std::vector<std::string>* keywords = nullptr;
    std::int64_t internal_date = 0; // seconds since the epoch
    std::uint64_t size = 0;
    std::int64_t modseq = 0;
    bool recent = false;
};

// The decrypted parts of a message, fetched only when a key needs them.
class search_content {
  public:
    virtual ~search_content() = default;
    virtual const mime::message_summary& summary() = 0;
    virtual std::string_view raw() = 0;
};

// The largest sequence number and UID, which '*' stands for.
struct search_bounds {
    std::uint32_t last_sequence = 0;
    std::uint32_t last_uid = 0;
};

// True when key needs the summary or the raw message.
bool needs_content(const search_key& key);

bool matches(const search_key& key, const search_message& message, search_content& content,
             const search_bounds& bounds);

// Decodes the text of every text/* part of message to UTF-8 (transfer encoding and
// charset undone) and appends it to out, parts separated by a line feed.
void append_body_text(const mime::body_part& part, std::string_view message, std::string& out);

// True when needle occurs in haystack, comparing ASCII letters without case.
bool contains_text(std::string_view haystack, std::string_view needle);

} // namespace skrynka::imap
