// STORE and UID STORE (RFC 3501 sections 6.4.6 and 6.4.8): FLAGS, +FLAGS and -FLAGS,
// each with .SILENT.
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

command_result run_store(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto text = arguments.space() ? arguments.sequence_text() : std::nullopt;
    const auto set = text ? sequence_set::parse(*text) : std::nullopt;
    if (!set || !arguments.space()) {
        return command_result::bad("STORE needs a sequence set, an item and flags");
    }
    storage::flag_change change = storage::flag_change::replace;
    if (arguments.consume('+')) {
        change = storage::flag_change::add;
    } else if (arguments.consume('-')) {
        change = storage::flag_change::remove;
    }
    if (!arguments.keyword("FLAGS")) {
        return command_result::bad("STORE supports FLAGS, +FLAGS and -FLAGS");
    }
    const bool silent = arguments.keyword(".SILENT");
    std::uint32_t flags = 0;
    std::vector<std::string> keywords;
    if (!arguments.space()) {
        return command_result::bad("STORE needs flags");
    }
    bool parsed = false;
    if (arguments.peek('(')) {
        parsed = parse_flags_argument(arguments, flags, keywords);
    } else {
        // Flags without parentheses, separated by spaces.
        std::string list = "(" + std::string(arguments.rest()) + ")";
        argument_parser wrapped(list);
        parsed = parse_flags_argument(wrapped, flags, keywords) && wrapped.at_end();
        arguments = argument_parser("");
    }
    if (!parsed || !arguments.at_end()) {
        return command_result::bad("Invalid flag list");
    }

    selected_mailbox& mailbox = *session.selected;
    const auto indexes = resolve_messages(mailbox, *set, command.uid);
    if (!indexes) {
        return command_result::bad("Sequence number beyond the mailbox");
    }
    std::vector<storage::message_uid> uids;
    for (const std::size_t index : *indexes) {
        if (!mailbox.messages[index].expunged) {
            uids.push_back(mailbox.messages[index].entry.uid);
        }
    }
    if (uids.empty()) {
        return command_result::ok("STORE completed");
    }
    const auto updates =
        session.access->store_flags(mailbox.info.id, uids, change, flags, keywords);

    // Both lists ascend by UID.
    std::size_t next = 0;
    for (const std::size_t index : *indexes) {
        message_slot& slot = mailbox.messages[index];
        while (next < updates.size() && updates[next].uid < slot.entry.uid) {
            ++next;
        }
        if (next == updates.size() || updates[next].uid != slot.entry.uid) {
            continue;
        }
        const storage::flag_update& update = updates[next];
        slot.entry.flags = update.flags;
        slot.entry.keywords = update.keywords;
        slot.entry.modseq = update.modseq;
        if (!silent) {
            std::string line = fmt::format("* {} FETCH (", index + 1);
            if (command.uid) {
                line += fmt::format("UID {} ", update.uid);
            }
            session.send(line + "FLAGS " + format_flag_list(update.flags, update.keywords) +
                         ")\r\n");
        }
    }
    return command_result::ok(command.uid ? "UID STORE completed" : "STORE completed");
}

} // namespace skrynka::imap
