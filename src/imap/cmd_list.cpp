// LIST and LSUB (RFC 3501 sections 6.3.8 and 6.3.9) with the CHILDREN attributes
// (RFC 3348) and special-use attributes in every LIST (RFC 6154 section 2 allows them
// without being asked, and Apple Mail and Evolution need them there). The extended
// forms LIST (SPECIAL-USE) ... and RETURN (SPECIAL-USE STATUS (...)) that iOS sends
// (RFC 6154, RFC 5819) are understood too, though LIST-EXTENDED is not advertised.
#include "src/imap/mailbox_name.hpp"
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"
#include "src/mime/text.hpp"

namespace skrynka::imap {

namespace {

// Matches a name against a LIST pattern: '*' matches anything, '%' anything but '/'.
bool pattern_matches(std::string_view pattern, std::string_view name) {
    if (pattern.empty()) {
        return name.empty();
    }
    const char head = pattern.front();
    if (head == '*' || head == '%') {
        for (std::size_t length = 0; length <= name.size(); ++length) {
            if (pattern_matches(pattern.substr(1), name.substr(length))) {
                return true;
            }
            if (length < name.size() && head == '%' && name[length] == '/') {
                return false;
            }
        }
        return false;
    }
    if (name.empty()) {
        return false;
    }
    return head == name.front() && pattern_matches(pattern.substr(1), name.substr(1));
}

struct list_options {
    bool subscribed_only = false;
    bool special_use_only = false;
};

command_result list_mailboxes(command_context& command, bool lsub) {
    argument_parser& arguments = command.arguments;
    list_options options;
    if (!arguments.space()) {
        return command_result::bad("LIST needs a reference and a pattern");
    }
    if (!lsub && arguments.consume('(')) {
        while (!arguments.consume(')')) {
            arguments.space();
            if (arguments.keyword("SUBSCRIBED")) {
                options.subscribed_only = true;
            } else if (arguments.keyword("SPECIAL-USE")) {
                options.special_use_only = true;
            } else if (!arguments.atom()) {
                return command_result::bad("Invalid LIST selection options");
            }
        }
        if (!arguments.space()) {
            return command_result::bad("LIST needs a reference and a pattern");
        }
    }
    const auto reference = arguments.astring();
    const auto pattern = reference && arguments.space() ? arguments.list_mailbox() : std::nullopt;
    if (!reference || !pattern) {
        return command_result::bad("LIST needs a reference and a pattern");
    }
    // RETURN options: special-use and children attributes are always sent, and
    // STATUS (RFC 5819) adds a STATUS response after each listed mailbox.
    std::optional<std::vector<std::string_view>> status_items;
    if (!lsub && arguments.space()) {
        if (!arguments.keyword("RETURN") || !arguments.space() || !arguments.consume('(')) {
            return command_result::bad("Invalid LIST return options");
        }
        while (!arguments.consume(')')) {
            arguments.space();
            if (arguments.keyword("STATUS")) {
                status_items = arguments.space() ? parse_status_items(arguments) : std::nullopt;
                if (!status_items) {
                    return command_result::bad("Invalid LIST return options");
                }
            } else if (!arguments.atom()) {
                return command_result::bad("Invalid LIST return options");
            }
        }
    }
    if (!arguments.at_end()) {
        return command_result::bad("Unexpected text after LIST");
    }
    if (lsub) {
        options.subscribed_only = true;
    }

    session_state& session = command.session;
    const std::string_view word = lsub ? "LSUB" : "LIST";
    if (pattern->empty()) {
        // An empty pattern requests the delimiter and the root (RFC 3501 section 6.3.8).
        session.send(std::string("* ") + std::string(word) + " (\\Noselect) \"/\" \"\"\r\n");
        return command_result::ok(std::string(word) + " completed");
    }
    std::string wire_pattern = *reference + *pattern;
    // INBOX matches in any letter case.
    if (mime::iequals(std::string_view(wire_pattern).substr(0, 5), "INBOX") &&
        (wire_pattern.size() == 5 || wire_pattern[5] == '/')) {
        wire_pattern.replace(0, 5, "INBOX");
    }

    const std::vector<storage::mailbox_info> mailboxes = session.access->list_mailboxes();
    for (const storage::mailbox_info& mailbox : mailboxes) {
        const std::string wire_name =
            session.utf8_accept ? mailbox.name : encode_mailbox_name(mailbox.name);
        if (!pattern_matches(wire_pattern, wire_name)) {
            continue;
        }
        if ((options.subscribed_only && !mailbox.subscribed) ||
            (options.special_use_only && !mailbox.special_use)) {
            continue;
        }
        bool children = false;
        for (const storage::mailbox_info& other : mailboxes) {
            children = children || (other.name.size() > mailbox.name.size() + 1 &&
                                    other.name.compare(0, mailbox.name.size(), mailbox.name) == 0 &&
                                    other.name[mailbox.name.size()] == '/');
        }
        std::string line = "* " + std::string(word) + " (";
        line += children ? "\\HasChildren" : "\\HasNoChildren";
        if (mailbox.special_use) {
            line += " " + *mailbox.special_use;
        }
        if (options.subscribed_only && !lsub) {
            line += " \\Subscribed";
        }
        line += ") \"/\" ";
        append_mailbox_name(line, session, mailbox.name);
        session.send(line + "\r\n");
        if (status_items) {
            session.send(
                format_status(session, mailbox, session.access->status(mailbox.id), *status_items));
        }
    }
    return command_result::ok(std::string(word) + " completed");
}

} // namespace

command_result run_list(command_context& command) {
    return list_mailboxes(command, false);
}

command_result run_lsub(command_context& command) {
    return list_mailboxes(command, true);
}

} // namespace skrynka::imap
