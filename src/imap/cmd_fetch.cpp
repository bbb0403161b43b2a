// FETCH and UID FETCH (RFC 3501 sections 6.4.5 and 6.4.8) with MODSEQ and CHANGEDSINCE
// (RFC 7162): message attributes, ENVELOPE and BODYSTRUCTURE from the summary, and body
// sections decrypted chunk by chunk.
#include "src/imap/message_render.hpp"
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

struct fetch_item {
    enum class kind {
        flags,
        internal_date,
        size,
        envelope,
        body,
        body_structure,
        uid,
        modseq,        // RFC 7162
        section,       // BODY[...] and BODY.PEEK[...]
        rfc822,        // = BODY[], sets \Seen
        rfc822_header, // = BODY.PEEK[HEADER]
        rfc822_text,   // = BODY[TEXT], sets \Seen
    };
    kind type = kind::flags;
    section_spec section;
    bool peek = false;
    std::optional<std::uint64_t> origin;
    std::uint64_t count = 0;
};

std::optional<fetch_item> parse_section_item(argument_parser& arguments, bool peek) {
    fetch_item item;
    item.type = fetch_item::kind::section;
    item.peek = peek;
    if (!arguments.consume('[')) {
        return std::nullopt;
    }
    const std::string_view rest = arguments.rest();
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    auto section = parse_section(rest.substr(0, close));
    if (!section) {
        return std::nullopt;
    }
    item.section = std::move(*section);
    argument_parser after(rest.substr(close + 1));
    if (after.consume('<')) {
        const auto origin = after.number();
        const auto count = origin && after.consume('.') ? after.number() : std::nullopt;
        // The count is an nz-number: <0.0> is a syntax error.
        if (!count || *count == 0 || !after.consume('>')) {
            return std::nullopt;
        }
        item.origin = origin;
        item.count = *count;
    }
    arguments = after;
    return item;
}

std::optional<fetch_item> parse_item(argument_parser& arguments) {
    using kind = fetch_item::kind;
    const auto simple = [](kind type) {
        fetch_item item;
        item.type = type;
        return item;
    };
    if (arguments.keyword("FLAGS")) {
        return simple(kind::flags);
    }
    if (arguments.keyword("INTERNALDATE")) {
        return simple(kind::internal_date);
    }
    if (arguments.keyword("RFC822.SIZE")) {
        return simple(kind::size);
    }
    if (arguments.keyword("RFC822.HEADER")) {
        return simple(kind::rfc822_header);
    }
    if (arguments.keyword("RFC822.TEXT")) {
        return simple(kind::rfc822_text);
    }
    if (arguments.keyword("RFC822")) {
        return simple(kind::rfc822);
    }
    if (arguments.keyword("ENVELOPE")) {
        return simple(kind::envelope);
    }
    if (arguments.keyword("BODYSTRUCTURE")) {
        return simple(kind::body_structure);
    }
    if (arguments.keyword("UID")) {
        return simple(kind::uid);
    }
    if (arguments.keyword("MODSEQ")) {
        return simple(kind::modseq);
    }
    if (arguments.keyword("BODY.PEEK")) {
        return parse_section_item(arguments, true);
    }
    if (arguments.keyword("BODY")) {
        if (arguments.peek('[')) {
            return parse_section_item(arguments, false);
        }
        return simple(kind::body);
    }
    return std::nullopt;
}

std::optional<std::vector<fetch_item>> parse_items(argument_parser& arguments) {
    using kind = fetch_item::kind;
    std::vector<fetch_item> items;
    const auto add = [&](std::initializer_list<kind> kinds) {
        for (const kind type : kinds) {
            fetch_item item;
            item.type = type;
            items.push_back(item);
        }
    };
    if (arguments.keyword("ALL")) {
        add({kind::flags, kind::internal_date, kind::size, kind::envelope});
        return items;
    }
    if (arguments.keyword("FAST")) {
        add({kind::flags, kind::internal_date, kind::size});
        return items;
    }
    if (arguments.keyword("FULL")) {
        add({kind::flags, kind::internal_date, kind::size, kind::envelope, kind::body});
        return items;
    }
    const bool list = arguments.consume('(');
    while (true) {
        auto item = parse_item(arguments);
        if (!item) {
            return std::nullopt;
        }
        items.push_back(std::move(*item));
        if (!list || arguments.consume(')')) {
            return items;
        }
        if (!arguments.space()) {
            return std::nullopt;
        }
    }
}

bool needs_content(const fetch_item& item) {
    using kind = fetch_item::kind;
    return item.type != kind::flags && item.type != kind::internal_date &&
           item.type != kind::size && item.type != kind::uid && item.type != kind::modseq;
}

bool sets_seen(const fetch_item& item) {
    using kind = fetch_item::kind;
    return (item.type == kind::section && !item.peek) || item.type == kind::rfc822 ||
           item.type == kind::rfc822_text;
}

// Appends the section's bytes, or NIL when the message has no such part.
void append_section(std::string& out, message_content& content, const fetch_item& item) {
    const mime::message_summary& summary = content.summary();
    const auto range = resolve_section(summary, item.section);
    out += "BODY[" + item.section.label() + "]";
    if (item.origin) {
        out += fmt::format("<{}>", *item.origin);
    }
    out += ' ';
    if (!range) {
        out += "NIL";
        return;
    }
    std::string data = content.read(range->offset, range->length);
    using text_kind = section_spec::text_kind;
    if (item.section.text == text_kind::header_fields ||
        item.section.text == text_kind::header_fields_not) {
        data = filter_header_fields(data, item.section.fields,
                                    item.section.text == text_kind::header_fields_not);
    }
    if (item.origin) {
        // A partial past the end is an empty string (RFC 3501 section 6.4.5).
        const std::uint64_t start = std::min<std::uint64_t>(*item.origin, data.size());
        data = data.substr(start, item.count);
    }
    append_literal(out, data);
}

void append_whole(std::string& out, std::string_view label, message_content& content,
                  const byte_range& range) {
    out.append(label);
    out += ' ';
    append_literal(out, content.read(range.offset, range.length));
}

// Appends one data item of a FETCH response. content is null when no item needs it.
void append_item(std::string& line, const fetch_item& item, const message_entry& entry,
                 message_content* content) {
    using kind = fetch_item::kind;
    switch (item.type) {
    case kind::flags:
        line += "FLAGS " + format_flag_list(entry.flags, entry.keywords);
        break;
    case kind::internal_date:
        line += "INTERNALDATE \"" + format_date_time(entry.internal_date) + "\"";
        break;
    case kind::size:
        line += fmt::format("RFC822.SIZE {}", entry.size);
        break;
    case kind::uid:
        line += fmt::format("UID {}", entry.uid);
        break;
    case kind::modseq:
        line += fmt::format("MODSEQ ({})", entry.modseq);
        break;
    case kind::envelope:
        line += "ENVELOPE ";
        append_envelope(line, content->summary().envelope_);
        break;
    case kind::body:
        line += "BODY ";
        append_body_structure(line, content->summary().body_, false);
        break;
    case kind::body_structure:
        line += "BODYSTRUCTURE ";
        append_body_structure(line, content->summary().body_, true);
        break;
    case kind::section:
        append_section(line, *content, item);
        break;
    case kind::rfc822:
        append_whole(line, "RFC822", *content, {0, entry.size});
        break;
    case kind::rfc822_header:
        append_whole(line, "RFC822.HEADER", *content, {0, content->summary().header_size_});
        break;
    case kind::rfc822_text: {
        const mime::body_part& top = content->summary().body_;
        append_whole(line, "RFC822.TEXT", *content, {top.body_offset_, top.body_length_});
        break;
    }
    }
}

} // namespace

command_result run_fetch(command_context& command) {
    using kind = fetch_item::kind;
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto text = arguments.space() ? arguments.sequence_text() : std::nullopt;
    const auto set = text ? sequence_set::parse(*text) : std::nullopt;
    if (!set || !arguments.space()) {
        return command_result::bad("FETCH needs a sequence set and data items");
    }
    auto items = parse_items(arguments);
    if (!items) {
        return command_result::bad("Invalid FETCH data items");
    }
    // RFC 7162 section 3.1.4: (CHANGEDSINCE n) limits the fetch to messages changed after
    // mod-sequence n and adds MODSEQ to every response.
    std::optional<std::int64_t> changed_since;
    if (arguments.space()) {
        const auto value =
            arguments.consume('(') && arguments.keyword("CHANGEDSINCE") && arguments.space()
                ? arguments.number(63)
                : std::nullopt;
        if (!value || !arguments.consume(')')) {
            return command_result::bad("Unknown FETCH modifier");
        }
        changed_since = static_cast<std::int64_t>(*value);
    }
    if (!arguments.at_end()) {
        return command_result::bad("Invalid FETCH data items");
    }
    bool has_modseq = false;
    for (const fetch_item& item : *items) {
        has_modseq = has_modseq || item.type == kind::modseq;
    }
    if (changed_since && !has_modseq) {
        fetch_item item;
        item.type = kind::modseq;
        items->push_back(item);
        has_modseq = true;
    }
    if (has_modseq) {
        session.condstore = true;
    }
    if (command.uid) {
        bool has_uid = false;
        for (const fetch_item& item : *items) {
            has_uid = has_uid || item.type == kind::uid;
        }
        if (!has_uid) {
            fetch_item item;
            item.type = kind::uid;
            items->insert(items->begin(), item);
        }
    }
    selected_mailbox& mailbox = *session.selected;
    const auto indexes = resolve_messages(mailbox, *set, command.uid);
    if (!indexes) {
        return command_result::bad("Sequence number beyond the mailbox");
    }

    bool marks_seen = false;
    bool wants_content = false;
    bool has_flags = false;
    for (const fetch_item& item : *items) {
        marks_seen = marks_seen || (sets_seen(item) && !mailbox.read_only);
        wants_content = wants_content || needs_content(item);
        has_flags = has_flags || item.type == kind::flags;
    }

    for (const std::size_t index : *indexes) {
        message_slot& slot = mailbox.messages[index];
        if (slot.expunged) {
            continue; // removed by another session; RFC 2180 section 4.1.2 allows silence
        }
        if (changed_since && slot.entry.modseq <= *changed_since) {
            continue;
        }
        std::unique_ptr<message_content> content;
        if (wants_content) {
            content = session.access->open(mailbox.info.id, slot.entry.uid);
            if (!content) {
                continue;
            }
        }
        bool flags_changed = false;
        if (marks_seen && (slot.entry.flags & storage::flag::seen) == 0) {
            const storage::message_uid uid = slot.entry.uid;
            const auto updates =
                session.access->store_flags(mailbox.info.id, std::span(&uid, 1),
                                            storage::flag_change::add, storage::flag::seen, {});
            if (!updates.empty()) {
                slot.entry.flags = updates.front().flags;
                slot.entry.modseq = updates.front().modseq;
                flags_changed = true;
            }
        }

        std::string line = fmt::format("* {} FETCH (", index + 1);
        bool first = true;
        const auto separate = [&] {
            if (!first) {
                line += ' ';
            }
            first = false;
        };
        for (const fetch_item& item : *items) {
            separate();
            append_item(line, item, slot.entry, content.get());
        }
        // A fetch that set \Seen reports the new flags (RFC 3501 section 6.4.5).
        if (flags_changed && !has_flags) {
            separate();
            line += "FLAGS " + format_flag_list(slot.entry.flags, slot.entry.keywords);
        }
        if (flags_changed && session.condstore && !has_modseq) {
            separate();
            line += fmt::format("MODSEQ ({})", slot.entry.modseq);
        }
        session.send(line + ")\r\n");
    }
    return command_result::ok(command.uid ? "UID FETCH completed" : "FETCH completed");
}

} // namespace skrynka::imap
