// APPEND (RFC 3501 section 6.3.11) with APPENDUID (RFC 4315) and APPENDLIMIT (RFC
// 7889). The literal's size was checked against APPENDLIMIT before it was read.
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"
#include "src/mime/text.hpp"

#include <ctime>
#include <fmt/format.h>

namespace skrynka::imap {

namespace {

// Parses a flag list "(\Seen $Work)" into flag bits and keywords. \Recent and unknown
// system flags are refused.
bool parse_flag_list(argument_parser& arguments, std::uint32_t& flags,
                     std::vector<std::string>& keywords) {
    if (!arguments.consume('(')) {
        return false;
    }
    while (!arguments.consume(')')) {
        if ((flags != 0 || !keywords.empty()) && !arguments.space()) {
            return false;
        }
        const auto flag = arguments.flag();
        if (!flag) {
            return false;
        }
        if (flag->front() != '\\') {
            keywords.emplace_back(*flag);
            continue;
        }
        const std::string_view name = flag->substr(1);
        if (mime::iequals(name, "Seen")) {
            flags |= storage::flag::seen;
        } else if (mime::iequals(name, "Answered")) {
            flags |= storage::flag::answered;
        } else if (mime::iequals(name, "Flagged")) {
            flags |= storage::flag::flagged;
        } else if (mime::iequals(name, "Deleted")) {
            flags |= storage::flag::deleted;
        } else if (mime::iequals(name, "Draft")) {
            flags |= storage::flag::draft;
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

bool parse_flags_argument(argument_parser& arguments, std::uint32_t& flags,
                          std::vector<std::string>& keywords) {
    return parse_flag_list(arguments, flags, keywords);
}

command_result run_append(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    const auto name =
        arguments.space() ? mailbox_argument(command.session, arguments) : std::nullopt;
    if (!name || !arguments.space()) {
        return command_result::bad("APPEND needs a mailbox and a message");
    }
    std::uint32_t flags = 0;
    std::vector<std::string> keywords;
    if (arguments.peek('(')) {
        if (!parse_flag_list(arguments, flags, keywords) || !arguments.space()) {
            return command_result::bad("Invalid flag list");
        }
    }
    std::int64_t internal_date = static_cast<std::int64_t>(std::time(nullptr));
    if (arguments.peek('"')) {
        const auto text = arguments.string();
        const auto parsed = text ? parse_date_time(*text) : std::nullopt;
        if (!parsed || !arguments.space()) {
            return command_result::bad("Invalid date-time");
        }
        internal_date = *parsed;
    }
    // RFC 6855 section 4: after ENABLE UTF8=ACCEPT the message may come as UTF8 (~{n}).
    std::optional<std::string_view> message;
    if (arguments.keyword("UTF8")) {
        if (!session.utf8_accept || !arguments.space() || !arguments.consume('(')) {
            return command_result::bad("APPEND UTF8 needs ENABLE UTF8=ACCEPT and (~{n})");
        }
        message = arguments.literal();
        if (!message || !arguments.consume(')')) {
            return command_result::bad("APPEND UTF8 needs the message as (~{n})");
        }
    } else {
        message = arguments.literal();
    }
    if (!message || !arguments.at_end()) {
        return command_result::bad("APPEND needs the message as a literal");
    }
    if (message->size() > session.config.limits.append_max) {
        return command_result::no("[TOOBIG] Message exceeds APPENDLIMIT");
    }

    const auto mailbox = session.access->find_mailbox(*name);
    if (!mailbox) {
        return command_result::no("[TRYCREATE] No such mailbox");
    }
    const storage::message_uid uid =
        session.access->append(mailbox->id, *message, flags, keywords, internal_date);
    session.event(fmt::format("event=append size={} uid={}", message->size(), uid));
    return command_result::ok(
        fmt::format("[APPENDUID {} {}] APPEND completed", mailbox->uidvalidity, uid));
}

} // namespace skrynka::imap
