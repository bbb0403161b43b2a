// SELECT, EXAMINE, CHECK, CLOSE and EXPUNGE (RFC 3501 sections 6.3.1, 6.3.2, 6.4.1,
// 6.4.2 and 6.4.3), UNSELECT (RFC 3691) and UID EXPUNGE (RFC 4315).
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

constexpr std::string_view system_flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

command_result open_mailbox(command_context& command, bool read_only) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    // A failed SELECT leaves the session unselected (RFC 3501 section 6.3.1).
    session.selected.reset();
    session.state = protocol_state::authenticated;

    const auto name =
        arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    if (!name) {
        return command_result::bad("Invalid mailbox name");
    }
    // RFC 7162 section 3.1.8: the CONDSTORE parameter enables CONDSTORE.
    if (arguments.space()) {
        if (!arguments.consume('(') || !arguments.keyword("CONDSTORE") || !arguments.consume(')')) {
            return command_result::bad("Unknown SELECT parameter");
        }
        session.condstore = true;
    }
    if (!arguments.at_end()) {
        return command_result::bad("Unexpected text after the mailbox name");
    }
    const auto info = session.access->find_mailbox(*name);
    if (!info) {
        return command_result::no("[NONEXISTENT] No such mailbox");
    }

    selected_mailbox mailbox;
    mailbox.info = *info;
    mailbox.read_only = read_only;
    const storage::mailbox_status status = session.access->status(info->id);
    for (message_entry& entry : session.access->list_messages(info->id)) {
        mailbox.messages.push_back(message_slot{std::move(entry), false});
    }
    mailbox.highestmodseq = status.highestmodseq;
    mailbox.uidnext = status.uidnext;

    std::size_t first_unseen = 0;
    for (std::size_t i = 0; i < mailbox.messages.size(); ++i) {
        if ((mailbox.messages[i].entry.flags & storage::flag::seen) == 0) {
            first_unseen = i + 1;
            break;
        }
    }

    // NOTE: \Recent is not kept, so RECENT is always 0 and no message carries it.
    session.send(fmt::format("* FLAGS ({})\r\n", system_flags));
    session.send(fmt::format("* OK [PERMANENTFLAGS ({} \\*)] Flags permitted\r\n",
                             read_only ? "" : system_flags));
    session.send(fmt::format("* {} EXISTS\r\n* 0 RECENT\r\n", mailbox.messages.size()));
    if (first_unseen != 0) {
        session.send(fmt::format("* OK [UNSEEN {}] First unseen\r\n", first_unseen));
    }
    session.send(fmt::format("* OK [UIDVALIDITY {}] UIDs valid\r\n", status.uidvalidity));
    session.send(fmt::format("* OK [UIDNEXT {}] Predicted next UID\r\n", status.uidnext));
    session.send(
        fmt::format("* OK [HIGHESTMODSEQ {}] Highest mod-sequence\r\n", status.highestmodseq));

    session.selected = std::move(mailbox);
    session.state = protocol_state::selected;
    return command_result::ok(read_only ? "[READ-ONLY] EXAMINE completed"
                                        : "[READ-WRITE] SELECT completed");
}

// Deletes the messages marked \Deleted, limited to uids when given. Sends EXPUNGE
// responses when report is set.
void expunge_deleted(session_state& session, const std::optional<sequence_set>& uids, bool report) {
    // Learn about other sessions' changes first, so the flags checked are current.
    report_changes(session, report, uids.has_value());
    selected_mailbox& mailbox = *session.selected;
    std::vector<storage::message_uid> doomed;
    const storage::message_uid last_uid =
        mailbox.messages.empty() ? 0 : mailbox.messages.back().entry.uid;
    for (const message_slot& slot : mailbox.messages) {
        if ((slot.entry.flags & storage::flag::deleted) != 0 && !slot.expunged &&
            (!uids || uids->contains(slot.entry.uid, last_uid))) {
            doomed.push_back(slot.entry.uid);
        }
    }
    if (doomed.empty()) {
        return;
    }
    session.access->expunge(mailbox.info.id, doomed);
    session.event(fmt::format("event=expunge count={}", doomed.size()));
    for (message_slot& slot : mailbox.messages) {
        if (std::find(doomed.begin(), doomed.end(), slot.entry.uid) != doomed.end()) {
            slot.expunged = true;
        }
    }
    if (report) {
        report_changes(session, true, uids.has_value());
    }
}

command_result leave_mailbox(command_context& command, bool expunge) {
    session_state& session = command.session;
    if (!command.arguments.at_end()) {
        return command_result::bad("Unexpected arguments");
    }
    if (expunge && !session.selected->read_only) {
        expunge_deleted(session, std::nullopt, false);
    }
    session.selected.reset();
    session.state = protocol_state::authenticated;
    return command_result::ok(expunge ? "CLOSE completed" : "UNSELECT completed");
}

} // namespace

command_result run_select(command_context& command) {
    return open_mailbox(command, false);
}

command_result run_examine(command_context& command) {
    return open_mailbox(command, true);
}

command_result run_close(command_context& command) {
    return leave_mailbox(command, true);
}

command_result run_unselect(command_context& command) {
    return leave_mailbox(command, false);
}

command_result run_check(command_context& command) {
    if (!command.arguments.at_end()) {
        return command_result::bad("CHECK takes no arguments");
    }
    // Every write is durable when it returns, so there is nothing to flush.
    return command_result::ok("CHECK completed");
}

command_result run_expunge(command_context& command) {
    argument_parser& arguments = command.arguments;
    std::optional<sequence_set> uids;
    if (command.uid) {
        const auto text = arguments.space() ? arguments.sequence_text() : std::nullopt;
        uids = text ? sequence_set::parse(*text) : std::nullopt;
        if (!uids) {
            return command_result::bad("UID EXPUNGE needs a UID set");
        }
    }
    if (!arguments.at_end()) {
        return command_result::bad("Unexpected arguments");
    }
    expunge_deleted(command.session, uids, true);
    return command_result::ok("EXPUNGE completed");
}

} // namespace skrynka::imap
