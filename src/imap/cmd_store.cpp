// STORE and UID STORE (RFC 3501 sections 6.4.6 and 6.4.8): FLAGS, +FLAGS and -FLAGS,
// each with .SILENT, and the UNCHANGEDSINCE modifier (RFC 7162 section 3.1.3).
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace skrynka::imap {

command_result run_store(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto text = arguments.space() ? arguments.sequence_text() : std::nullopt;
    const auto set = text ? sequence_set::parse(*text) : std::nullopt;
    if (!set || !arguments.space()) {
        return command_result::bad("STORE needs a sequence set, an item and flags");
    }
    std::optional<std::int64_t> unchanged_since;
    if (arguments.consume('(')) {
        const auto value = arguments.keyword("UNCHANGEDSINCE") && arguments.space()
                               ? arguments.number(63)
                               : std::nullopt;
        if (!value || !arguments.consume(')') || !arguments.space()) {
            return command_result::bad("Unknown STORE modifier");
        }
        unchanged_since = static_cast<std::int64_t>(*value);
        session.condstore = true;
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
    // Messages changed after UNCHANGEDSINCE are left alone and reported as MODIFIED. The
    // check reads the current mod-sequences rather than this session's snapshot.
    // NOTE: the check and the update are two transactions, so a change by another
    // session between them is not detected.
    std::vector<message_entry> current;
    if (unchanged_since) {
        current = load_messages(session);
    }
    std::vector<storage::message_uid> uids;
    std::string modified;
    for (const std::size_t index : *indexes) {
        const message_slot& slot = mailbox.messages[index];
        if (slot.expunged) {
            continue;
        }
        if (unchanged_since) {
            const auto found = std::find_if(current.begin(), current.end(), [&](const auto& entry) {
                return entry.uid == slot.entry.uid;
            });
            if (found != current.end() && found->modseq > *unchanged_since) {
                modified += (modified.empty() ? "" : ",") +
                            std::to_string(command.uid ? slot.entry.uid : index + 1);
                continue;
            }
        }
        uids.push_back(slot.entry.uid);
    }
    const std::string done =
        modified.empty() ? std::string(command.uid ? "UID STORE completed" : "STORE completed")
                         : "[MODIFIED " + modified + "] Conditional STORE failed";
    if (uids.empty()) {
        return command_result::ok(done);
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
        // With CONDSTORE even a silent STORE reports the new mod-sequences.
        if (silent && !session.condstore) {
            continue;
        }
        std::vector<std::string> items;
        if (command.uid) {
            items.push_back(fmt::format("UID {}", update.uid));
        }
        if (!silent) {
            items.push_back("FLAGS " + format_flag_list(update.flags, update.keywords));
        }
        if (session.condstore) {
            items.push_back(fmt::format("MODSEQ ({})", update.modseq));
        }
        session.send(fmt::format("* {} FETCH ({})\r\n", index + 1, fmt::join(items, " ")));
    }
    return command_result::ok(done);
}

} // namespace skrynka::imap
