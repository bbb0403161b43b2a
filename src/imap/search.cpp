// SEARCH. Strings match as substrings without regard to ASCII case. Header fields match
// both their raw and their RFC 2047 decoded value. BODY and TEXT read the decoded text
// of every text part, so a search for "Straße" finds quoted-printable UTF-8.
#include "src/imap/search.hpp"

#include "src/imap/response_writer.hpp"
#include "src/mime/charset.hpp"
#include "src/mime/text.hpp"
#include "storage/mailbox_types.hpp"

#include <array>

namespace skrynka::imap {

namespace {

// Nesting of parentheses, NOT and OR; deeper input is a syntax error, not a stack overflow.
constexpr int max_depth = 64;

struct flag_key {
    std::string_view name;
    std::uint32_t flag;
    bool set;
};

constexpr std::array<flag_key, 10> flag_keys = {{
    {"ANSWERED", storage::flag::answered, true},
    {"DELETED", storage::flag::deleted, true},
    {"DRAFT", storage::flag::draft, true},
    {"FLAGGED", storage::flag::flagged, true},
    {"SEEN", storage::flag::seen, true},
    {"UNANSWERED", storage::flag::answered, false},
    {"UNDELETED", storage::flag::deleted, false},
    {"UNDRAFT", storage::flag::draft, false},
    {"UNFLAGGED", storage::flag::flagged, false},
    {"UNSEEN", storage::flag::seen, false},
}};

using key_result = std::optional<search_key>;

key_result parse_key(argument_parser& in, int depth, bool& uses_modseq);

std::optional<std::string> parse_astring_argument(argument_parser& in) {
    if (!in.space()) {
        return std::nullopt;
    }
    return in.astring();
}

key_result date_key(argument_parser& in, search_key::kind type) {
    if (!in.space()) {
        return std::nullopt;
    }
    // date = date-text / DQUOTE date-text DQUOTE
    const bool quoted = in.consume('"');
    const auto text = in.atom();
    if (!text || (quoted && !in.consume('"'))) {
        return std::nullopt;
    }
    const auto days = parse_date(*text);
    if (!days) {
        return std::nullopt;
    }
    search_key key;
    key.type = type;
    key.number = *days;
    return key;
}

key_result text_key(argument_parser& in, search_key::kind type, std::string field = {}) {
    auto value = parse_astring_argument(in);
    if (!value) {
        return std::nullopt;
    }
    search_key key;
    key.type = type;
    key.field = std::move(field);
    key.text = std::move(*value);
    return key;
}

key_result number_key(argument_parser& in, search_key::kind type) {
    if (!in.space()) {
        return std::nullopt;
    }
    const auto value = in.number(type == search_key::kind::modseq ? 63 : 32);
    if (!value) {
        return std::nullopt;
    }
    search_key key;
    key.type = type;
    key.number = static_cast<std::int64_t>(*value);
    return key;
}

key_result parse_word_key(argument_parser& in) {
    using kind = search_key::kind;
    for (const flag_key& entry : flag_keys) {
        if (in.keyword(entry.name)) {
            search_key key;
            key.type = entry.set ? kind::flag_set : kind::flag_unset;
            key.flags = entry.flag;
            return key;
        }
    }
    const auto simple = [](kind type) {
        search_key key;
        key.type = type;
        return key;
    };
    if (in.keyword("ALL")) {
        return simple(kind::all);
    }
    if (in.keyword("NEW")) {
        return simple(kind::is_new);
    }
    if (in.keyword("OLD")) {
        return simple(kind::not_recent);
    }
    if (in.keyword("RECENT")) {
        return simple(kind::recent);
    }
    return std::nullopt;
}

key_result parse_key(argument_parser& in, int depth, bool& uses_modseq) {
    using kind = search_key::kind;
    if (depth > max_depth) {
        return std::nullopt;
    }
    if (in.consume('(')) {
        search_key group;
        while (true) {
            auto child = parse_key(in, depth + 1, uses_modseq);
            if (!child) {
                return std::nullopt;
            }
            group.children.push_back(std::move(*child));
            if (in.consume(')')) {
                return group;
            }
            if (!in.space()) {
                return std::nullopt;
            }
        }
    }
    if (in.peek('*') || (!in.at_end() && in.rest().front() >= '0' && in.rest().front() <= '9')) {
        const auto text = in.sequence_text();
        auto set = text ? sequence_set::parse(*text) : std::nullopt;
        if (!set) {
            return std::nullopt;
        }
        search_key key;
        key.type = kind::sequence;
        key.set = std::move(set);
        return key;
    }
    if (in.keyword("NOT")) {
        if (!in.space()) {
            return std::nullopt;
        }
        auto child = parse_key(in, depth + 1, uses_modseq);
        if (!child) {
            return std::nullopt;
        }
        search_key key;
        key.type = kind::negation;
        key.children.push_back(std::move(*child));
        return key;
    }
    if (in.keyword("OR")) {
        search_key key;
        key.type = kind::any;
        for (int i = 0; i < 2; ++i) {
            if (!in.space()) {
                return std::nullopt;
            }
            auto child = parse_key(in, depth + 1, uses_modseq);
            if (!child) {
                return std::nullopt;
            }
            key.children.push_back(std::move(*child));
        }
        return key;
    }
    if (in.keyword("UID")) {
        if (!in.space()) {
            return std::nullopt;
        }
        const auto text = in.sequence_text();
        auto set = text ? sequence_set::parse(*text) : std::nullopt;
        if (!set) {
            return std::nullopt;
        }
        search_key key;
        key.type = kind::uid;
        key.set = std::move(set);
        return key;
    }
    const bool keyword_set = in.keyword("KEYWORD");
    if (keyword_set || in.keyword("UNKEYWORD")) {
        if (!in.space()) {
            return std::nullopt;
        }
        const auto flag = in.atom();
        if (!flag) {
            return std::nullopt;
        }
        search_key key;
        key.type = keyword_set ? kind::keyword_set : kind::keyword_unset;
        key.text = std::string(*flag);
        return key;
    }
    if (in.keyword("HEADER")) {
        auto field = parse_astring_argument(in);
        if (!field || field->empty()) {
            return std::nullopt;
        }
        return text_key(in, kind::header, std::move(*field));
    }
    for (const std::string_view name : {"BCC", "CC", "FROM", "SUBJECT", "TO"}) {
        if (in.keyword(name)) {
            return text_key(in, kind::header, std::string(name));
        }
    }
    if (in.keyword("BODY")) {
        return text_key(in, kind::body);
    }
    if (in.keyword("TEXT")) {
        return text_key(in, kind::text);
    }
    if (in.keyword("BEFORE")) {
        return date_key(in, kind::before);
    }
    if (in.keyword("ON")) {
        return date_key(in, kind::on);
    }
    if (in.keyword("SINCE")) {
        return date_key(in, kind::since);
    }
    if (in.keyword("SENTBEFORE")) {
        return date_key(in, kind::sent_before);
    }
    if (in.keyword("SENTON")) {
        return date_key(in, kind::sent_on);
    }
    if (in.keyword("SENTSINCE")) {
        return date_key(in, kind::sent_since);
    }
    if (in.keyword("LARGER")) {
        return number_key(in, kind::larger);
    }
    if (in.keyword("SMALLER")) {
        return number_key(in, kind::smaller);
    }
    if (in.keyword("MODSEQ")) {
        // RFC 7162 section 3.1.5: optional entry name and type before the number.
        uses_modseq = true;
        argument_parser probe = in;
        if (probe.space() && probe.peek('"')) {
            if (!probe.string() || !probe.space() || !probe.atom()) {
                return std::nullopt;
            }
            in = probe;
        }
        return number_key(in, kind::modseq);
    }
    return parse_word_key(in);
}

bool header_contains(const mime::message_summary& summary, std::string_view field,
                     std::string_view text) {
    for (const mime::header_field& header : summary.header_fields_) {
        if (!mime::iequals(header.name_, field)) {
            continue;
        }
        if (text.empty() || contains_text(header.decoded_value_, text) ||
            contains_text(header.value_, text)) {
            return true;
        }
    }
    return false;
}

std::optional<std::int64_t> sent_date(const mime::message_summary& summary) {
    if (!summary.envelope_.date_) {
        return std::nullopt;
    }
    return parse_header_date(*summary.envelope_.date_);
}

void decode_quoted_printable(std::string_view in, std::string& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '=') {
            out += in[i];
            continue;
        }
        if (i + 2 < in.size() && mime::hex_value(in[i + 1]) >= 0 &&
            mime::hex_value(in[i + 2]) >= 0) {
            out += static_cast<char>(mime::hex_value(in[i + 1]) * 16 + mime::hex_value(in[i + 2]));
            i += 2;
            continue;
        }
        // A soft line break: '=' at the end of a line, maybe after trailing white space.
        std::size_t j = i + 1;
        while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) {
            ++j;
        }
        if (j < in.size() && (in[j] == '\r' || in[j] == '\n')) {
            if (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n') {
                ++j;
            }
            i = j;
            continue;
        }
        out += '=';
    }
}

void decode_base64(std::string_view in, std::string& out) {
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : in) {
        int value = -1;
        if (c >= 'A' && c <= 'Z') {
            value = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            value = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            value = c - '0' + 52;
        } else if (c == '+') {
            value = 62;
        } else if (c == '/') {
            value = 63;
        } else if (c == '=') {
            break;
        } else {
            continue;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
}

bool evaluate(const search_key& key, const search_message& message, search_content& content,
              const search_bounds& bounds) {
    using kind = search_key::kind;
    switch (key.type) {
    case kind::all:
        for (const search_key& child : key.children) {
            if (!evaluate(child, message, content, bounds)) {
                return false;
            }
        }
        return true;
    case kind::any:
        return evaluate(key.children[0], message, content, bounds) ||
               evaluate(key.children[1], message, content, bounds);
    case kind::negation:
        return !evaluate(key.children[0], message, content, bounds);
    case kind::flag_set:
        return (message.flags & key.flags) == key.flags;
    case kind::flag_unset:
        return (message.flags & key.flags) == 0;
    case kind::keyword_set:
    case kind::keyword_unset: {
        bool found = false;
        if (message.keywords != nullptr) {
            for (const std::string& keyword : *message.keywords) {
                found = found || mime::iequals(keyword, key.text);
            }
        }
        return found == (key.type == kind::keyword_set);
    }
    case kind::recent:
        return message.recent;
    case kind::not_recent:
        return !message.recent;
    case kind::is_new:
        return message.recent && (message.flags & storage::flag::seen) == 0;
    case kind::header:
        return header_contains(content.summary(), key.field, key.text);
    case kind::body:
    case kind::text: {
        const std::string_view raw = content.raw();
        const mime::message_summary& summary = content.summary();
        if (key.type == kind::text) {
            if (contains_text(raw.substr(0, summary.header_size_), key.text)) {
                return true;
            }
            for (const mime::header_field& header : summary.header_fields_) {
                if (contains_text(header.decoded_value_, key.text)) {
                    return true;
                }
            }
        }
        std::string text;
        append_body_text(summary.body_, raw, text);
        return contains_text(text, key.text);
    }
    case kind::before:
    case kind::on:
    case kind::since: {
        std::int64_t day = message.internal_date / 86400;
        if (message.internal_date < 0 && message.internal_date % 86400 != 0) {
            --day;
        }
        return key.type == kind::before ? day < key.number
               : key.type == kind::on   ? day == key.number
                                        : day >= key.number;
    }
    case kind::sent_before:
    case kind::sent_on:
    case kind::sent_since: {
        const auto day = sent_date(content.summary());
        if (!day) {
            return false;
        }
        return key.type == kind::sent_before ? *day < key.number
               : key.type == kind::sent_on   ? *day == key.number
                                             : *day >= key.number;
    }
    case kind::larger:
        return message.size > static_cast<std::uint64_t>(key.number);
    case kind::smaller:
        return message.size < static_cast<std::uint64_t>(key.number);
    case kind::sequence:
        return bounds.last_sequence != 0 &&
               key.set->contains(message.sequence, bounds.last_sequence);
    case kind::uid:
        return bounds.last_uid != 0 && key.set->contains(message.uid, bounds.last_uid);
    case kind::modseq:
        return message.modseq >= key.number;
    }
    return false;
}

} // namespace

std::variant<search_program, search_error> parse_search(argument_parser& in) {
    search_program program;
    if (in.keyword("CHARSET")) {
        const auto charset = parse_astring_argument(in);
        if (!charset || !in.space()) {
            return search_error::syntax;
        }
        if (!mime::iequals(*charset, "UTF-8") && !mime::iequals(*charset, "US-ASCII")) {
            return search_error::unknown_charset;
        }
    }
    while (true) {
        auto parsed = parse_key(in, 0, program.uses_modseq);
        if (!parsed) {
            return search_error::syntax;
        }
        program.root.children.push_back(std::move(*parsed));
        if (in.at_end()) {
            return program;
        }
        if (!in.space()) {
            return search_error::syntax;
        }
    }
}

bool needs_content(const search_key& key) {
    using kind = search_key::kind;
    switch (key.type) {
    case kind::header:
    case kind::body:
    case kind::text:
    case kind::sent_before:
    case kind::sent_on:
    case kind::sent_since:
        return true;
    default:
        for (const search_key& child : key.children) {
            if (needs_content(child)) {
                return true;
            }
        }
        return false;
    }
}

bool matches(const search_key& key, const search_message& message, search_content& content,
             const search_bounds& bounds) {
    return evaluate(key, message, content, bounds);
}

void append_body_text(const mime::body_part& part, std::string_view message, std::string& out) {
    if (!part.children_.empty()) {
        for (const mime::body_part& child : part.children_) {
            append_body_text(child, message, out);
        }
        return;
    }
    if (part.type_ != "text" || part.body_offset_ > message.size()) {
        return;
    }
    const std::string_view body = message.substr(part.body_offset_, part.body_length_);
    std::string decoded;
    if (part.encoding_ == "quoted-printable") {
        decode_quoted_printable(body, decoded);
    } else if (part.encoding_ == "base64") {
        decode_base64(body, decoded);
    } else {
        decoded.assign(body);
    }
    const std::string* charset = part.find_parameter("charset");
    if (charset == nullptr || !mime::append_as_utf8(*charset, decoded, out)) {
        mime::append_valid_utf8(decoded, out);
    }
    out += '\n';
}

bool contains_text(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) {
        return true;
    }
    if (needle.size() > haystack.size()) {
        return false;
    }
    // NOTE: only ASCII letters fold; "Ä" and "ä" are different to SEARCH here.
    for (std::size_t start = 0; start + needle.size() <= haystack.size(); ++start) {
        std::size_t i = 0;
        while (i < needle.size() &&
               mime::to_lower_ascii(haystack[start + i]) == mime::to_lower_ascii(needle[i])) {
            ++i;
        }
        if (i == needle.size()) {
            return true;
        }
    }
    return false;
}

} // namespace skrynka::imap
