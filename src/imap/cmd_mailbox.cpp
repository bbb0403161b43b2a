// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE and STATUS (RFC 3501 sections 6.3.3
// to 6.3.7 and 6.3.10). Names arrive in modified UTF-7 and are stored as UTF-8.
#include "src/imap/mailbox_name.hpp"
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"
#include "src/mime/text.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

bool is_inbox(std::string_view name) {
    return mime::iequals(name, "INBOX");
}

std::optional<std::string> single_mailbox(command_context& command) {
    argument_parser& arguments = command.arguments;
    auto name = arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    if (!name || !arguments.at_end()) {
        return std::nullopt;
    }
    return name;
}

command_result subscribe(command_context& command, bool subscribed) {
    const auto name = single_mailbox(command);
    if (!name) {
        return command_result::bad("Invalid mailbox name");
    }
    command.session.access->set_subscribed(*name, subscribed);
    return command_result::ok(subscribed ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

} // namespace

command_result run_create(command_context& command) {
    auto name = single_mailbox(command);
    if (!name) {
        return command_result::bad("Invalid mailbox name");
    }
    // A trailing delimiter announces that children will follow (RFC 3501 section 6.3.3).
    if (!name->empty() && name->back() == '/') {
        name->pop_back();
    }
    mail_access& access = *command.session.access;
    if (name->empty() || is_inbox(*name) || access.find_mailbox(*name)) {
        return command_result::no("[ALREADYEXISTS] Mailbox already exists");
    }
    // Superior levels are created as needed.
    for (std::size_t slash = name->find('/'); slash != std::string::npos;
         slash = name->find('/', slash + 1)) {
        const std::string parent = name->substr(0, slash);
        if (!access.find_mailbox(parent)) {
            access.create_mailbox(parent);
        }
    }
    access.create_mailbox(*name);
    return command_result::ok("CREATE completed");
}

command_result run_delete(command_context& command) {
    const auto name = single_mailbox(command);
    if (!name) {
        return command_result::bad("Invalid mailbox name");
    }
    if (is_inbox(*name)) {
        return command_result::no("[CANNOT] INBOX cannot be deleted");
    }
    session_state& session = command.session;
    if (session.selected && session.selected->info.name == *name) {
        return command_result::no("[INUSE] Unselect the mailbox before deleting it");
    }
    session.access->delete_mailbox(*name);
    session.event("event=mailbox_deleted");
    return command_result::ok("DELETE completed");
}

command_result run_rename(command_context& command) {
    argument_parser& arguments = command.arguments;
    const auto from =
        arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    const auto to =
        from && arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    if (!from || !to || !arguments.at_end()) {
        return command_result::bad("RENAME needs two mailbox names");
    }
    mail_access& access = *command.session.access;
    if (is_inbox(*to) || access.find_mailbox(*to)) {
        return command_result::no("[ALREADYEXISTS] Target mailbox already exists");
    }
    if (!is_inbox(*from)) {
        access.rename_mailbox(*from, *to);
        return command_result::ok("RENAME completed");
    }

    // Renaming INBOX moves its messages to the new mailbox and leaves INBOX empty
    // (RFC 3501 section 6.3.5).
    const auto inbox = access.find_mailbox("INBOX");
    if (!inbox) {
        return command_result::no("[NONEXISTENT] No INBOX");
    }
    const storage::mailbox_info target = access.create_mailbox(*to);
    std::vector<storage::message_uid> uids;
    for (const message_entry& entry : access.list_messages(inbox->id)) {
        uids.push_back(entry.uid);
    }
    if (!uids.empty()) {
        access.move(inbox->id, uids, target.id);
    }
    return command_result::ok("RENAME completed");
}

command_result run_subscribe(command_context& command) {
    return subscribe(command, true);
}

command_result run_unsubscribe(command_context& command) {
    return subscribe(command, false);
}

std::optional<std::vector<std::string_view>> parse_status_items(argument_parser& arguments) {
    if (!arguments.consume('(')) {
        return std::nullopt;
    }
    std::vector<std::string_view> items;
    while (true) {
        const auto item = arguments.atom();
        if (!item) {
            return std::nullopt;
        }
        bool known = false;
        for (const std::string_view valid :
             {"MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "HIGHESTMODSEQ"}) {
            if (mime::iequals(*item, valid)) {
                items.push_back(valid);
                known = true;
            }
        }
        if (!known) {
            return std::nullopt;
        }
        if (arguments.consume(')')) {
            return items;
        }
        if (!arguments.space()) {
            return std::nullopt;
        }
    }
}

std::string format_status(const session_state& session, const storage::mailbox_info& mailbox,
                          const storage::mailbox_status& status,
                          const std::vector<std::string_view>& items) {
    std::string line = "* STATUS ";
    append_mailbox_name(line, session, mailbox.name);
    line += " (";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            line += ' ';
        }
        const std::string_view item = items[i];
        std::int64_t value = 0; // RECENT: \Recent is not kept
        if (item == "MESSAGES") {
            value = status.messages;
        } else if (item == "UIDNEXT") {
            value = status.uidnext;
        } else if (item == "UIDVALIDITY") {
            value = status.uidvalidity;
        } else if (item == "UNSEEN") {
            value = status.unseen;
        } else if (item == "HIGHESTMODSEQ") {
            value = status.highestmodseq;
        }
        line += fmt::format("{} {}", item, value);
    }
    return line + ")\r\n";
}

command_result run_status(command_context& command) {
    argument_parser& arguments = command.arguments;
    const auto name =
        arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    const auto items = name && arguments.space() ? parse_status_items(arguments) : std::nullopt;
    if (!items || !arguments.at_end()) {
        return command_result::bad("STATUS needs a mailbox and a list of items");
    }

    mail_access& access = *command.session.access;
    const auto info = access.find_mailbox(*name);
    if (!info) {
        return command_result::no("[NONEXISTENT] No such mailbox");
    }
    command.session.send(format_status(command.session, *info, access.status(info->id), *items));
    return command_result::ok("STATUS completed");
}

} // namespace skrynka::imap
