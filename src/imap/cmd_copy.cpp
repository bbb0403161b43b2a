// COPY and MOVE with their UID forms (RFC 3501 section 6.4.7, RFC 6851) and COPYUID
// (RFC 4315).
#include "src/imap/session_state.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

std::string uid_list(const std::vector<storage::copied_uid>& pairs, bool source) {
    std::string out;
    for (const storage::copied_uid& pair : pairs) {
        if (!out.empty()) {
            out += ',';
        }
        out += std::to_string(source ? pair.source : pair.destination);
    }
    return out;
}

command_result transfer(command_context& command, bool move) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto text = arguments.space() ? arguments.sequence_text() : std::nullopt;
    const auto set = text ? sequence_set::parse(*text) : std::nullopt;
    const auto name =
        set && arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    if (!name || !arguments.at_end()) {
        return command_result::bad("Expected a sequence set and a mailbox name");
    }
    selected_mailbox& mailbox = *session.selected;
    const auto indexes = resolve_messages(mailbox, *set, command.uid);
    if (!indexes) {
        return command_result::bad("Sequence number beyond the mailbox");
    }
    const auto destination = session.access->find_mailbox(*name);
    if (!destination) {
        return command_result::no("[TRYCREATE] No such mailbox");
    }
    std::vector<storage::message_uid> uids;
    for (const std::size_t index : *indexes) {
        if (!mailbox.messages[index].expunged) {
            uids.push_back(mailbox.messages[index].entry.uid);
        }
    }
    const std::string_view word = move ? "MOVE" : "COPY";
    if (uids.empty()) {
        return command_result::ok(fmt::format("{} completed, nothing to do", word));
    }
    if (move && destination->id == mailbox.info.id) {
        return command_result::no("[CANNOT] Source and destination are the same mailbox");
    }
    const auto pairs = move ? session.access->move(mailbox.info.id, uids, destination->id)
                            : session.access->copy(mailbox.info.id, uids, destination->id);
    const std::string code = fmt::format("COPYUID {} {} {}", destination->uidvalidity,
                                         uid_list(pairs, true), uid_list(pairs, false));
    if (!move) {
        return command_result::ok(fmt::format("[{}] COPY completed", code));
    }
    // RFC 6851 section 4.3: COPYUID goes in an untagged OK before the EXPUNGE responses,
    // which report_changes sends before the tagged OK.
    session.send(fmt::format("* OK [{}] Moved\r\n", code));
    for (message_slot& slot : mailbox.messages) {
        for (const storage::copied_uid& pair : pairs) {
            if (pair.source == slot.entry.uid) {
                slot.expunged = true;
            }
        }
    }
    return command_result::ok("MOVE completed");
}

} // namespace

command_result run_copy(command_context& command) {
    return transfer(command, false);
}

command_result run_move(command_context& command) {
    return transfer(command, true);
}

} // namespace skrynka::imap
