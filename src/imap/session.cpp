// IMAP4rev1 session engine (RFC 3501 sections 3, 5 and 7): framing, the command table
// and the untagged updates every command may carry.
#include "src/imap/session.hpp"

#include "src/imap/mailbox_name.hpp"
#include "src/imap/response_writer.hpp"
#include "src/imap/session_state.hpp"
#include "src/metrics/server_metrics.hpp"
#include "src/mime/charset.hpp"
#include "src/mime/text.hpp"
#include "storage/error.hpp"

#include <array>
#include <fmt/format.h>
#include <utility>

namespace skrynka::imap {

namespace {

// States a command is valid in.
constexpr unsigned in_not_authenticated = 1u << 0;
constexpr unsigned in_authenticated = 1u << 1;
constexpr unsigned in_selected = 1u << 2;
constexpr unsigned in_any = in_not_authenticated | in_authenticated | in_selected;
constexpr unsigned after_login = in_authenticated | in_selected;

// Properties of a command that the dispatcher enforces.
constexpr unsigned has_uid_form = 1u << 0;     // "UID <command>" exists
constexpr unsigned no_expunge_reply = 1u << 1; // FETCH, STORE, SEARCH without UID
constexpr unsigned no_updates = 1u << 2;       // sends no untagged updates at all
constexpr unsigned changes_mailbox = 1u << 3;  // refused after EXAMINE

struct command_entry {
    std::string_view name;
    unsigned states;
    unsigned flags;
    command_result (*run)(command_context&);
};

constexpr std::array commands = {
    command_entry{"CAPABILITY", in_any, 0, run_capability},
    command_entry{"NOOP", in_any, 0, run_noop},
    command_entry{"LOGOUT", in_any, no_updates, run_logout},
    command_entry{"ID", in_any, 0, run_id},
    command_entry{"STARTTLS", in_not_authenticated, no_updates, run_starttls},
    command_entry{"LOGIN", in_not_authenticated, no_updates, run_login},
    command_entry{"AUTHENTICATE", in_not_authenticated, no_updates, run_authenticate},
    command_entry{"SELECT", after_login, no_updates, run_select},
    command_entry{"EXAMINE", after_login, no_updates, run_examine},
    command_entry{"CREATE", after_login, 0, run_create},
    command_entry{"DELETE", after_login, 0, run_delete},
    command_entry{"RENAME", after_login, 0, run_rename},
    command_entry{"SUBSCRIBE", after_login, 0, run_subscribe},
    command_entry{"UNSUBSCRIBE", after_login, 0, run_unsubscribe},
    command_entry{"LIST", after_login, 0, run_list},
    command_entry{"LSUB", after_login, 0, run_lsub},
    command_entry{"NAMESPACE", after_login, 0, run_namespace},
    command_entry{"STATUS", after_login, 0, run_status},
    command_entry{"APPEND", after_login, 0, run_append},
    command_entry{"IDLE", after_login, no_updates, run_idle},
    command_entry{"ENABLE", in_authenticated, 0, run_enable},
    command_entry{"CHECK", in_selected, 0, run_check},
    command_entry{"CLOSE", in_selected, no_updates, run_close},
    command_entry{"UNSELECT", in_selected, no_updates, run_unselect},
    command_entry{"EXPUNGE", in_selected, changes_mailbox | has_uid_form, run_expunge},
    command_entry{"SEARCH", in_selected, no_expunge_reply | has_uid_form, run_search},
    command_entry{"FETCH", in_selected, no_expunge_reply | has_uid_form, run_fetch},
    command_entry{"STORE", in_selected, no_expunge_reply | changes_mailbox | has_uid_form,
                  run_store},
    command_entry{"COPY", in_selected, has_uid_form, run_copy},
    command_entry{"MOVE", in_selected, changes_mailbox | has_uid_form, run_move},
};

const command_entry* find_command(std::string_view name) {
    for (const command_entry& entry : commands) {
        if (mime::iequals(entry.name, name)) {
            return &entry;
        }
    }
    return nullptr;
}

unsigned state_bit(protocol_state state) {
    switch (state) {
    case protocol_state::not_authenticated:
        return in_not_authenticated;
    case protocol_state::authenticated:
        return in_authenticated;
    case protocol_state::selected:
        return in_selected;
    case protocol_state::logout:
        return 0;
    }
    return 0;
}

std::string tag_of(std::string_view text) {
    argument_parser parser(text);
    const auto tag = parser.tag();
    return tag ? std::string(*tag) : std::string("*");
}

void send_tagged(session_state& session, std::string_view tag, const command_result& result) {
    std::string_view word = "OK";
    if (result.kind == command_result::status::no) {
        word = "NO";
    } else if (result.kind == command_result::status::bad) {
        word = "BAD";
    }
    session.send(fmt::format("{} {} {}\r\n", tag, word, result.text));
}

// The literal limit for a command whose text so far is given: APPEND may carry one
// message up to APPENDLIMIT, other commands small strings.
std::uint64_t literal_limit_for(const session_state& session, std::string_view text) {
    if (session.state == protocol_state::not_authenticated) {
        return session.config.limits.literal_max_unauthenticated;
    }
    argument_parser parser(text);
    if (parser.tag() && parser.space() && parser.keyword("APPEND")) {
        return session.config.limits.append_max;
    }
    return session.config.limits.literal_max;
}

void finish_idle(session_state& session, std::string_view line) {
    const std::string tag = *session.idle_tag;
    session.idle_tag.reset();
    if (!mime::iequals(line, "DONE")) {
        send_tagged(session, tag, command_result::bad("Expected DONE to end IDLE"));
        return;
    }
    if (session.selected) {
        report_changes(session, true, false);
    }
    send_tagged(session, tag, command_result::ok("IDLE terminated"));
}

void execute(session_state& session, std::string_view text) {
    argument_parser parser(text);
    const auto tag = parser.tag();
    if (!tag || !parser.space()) {
        session.send("* BAD Missing command tag\r\n");
        return;
    }
    const auto name = parser.atom();
    if (!name) {
        send_tagged(session, *tag, command_result::bad("Missing command name"));
        return;
    }

    metrics::count(metrics::counter::commands, metrics::protocol::imap);
    bool uid = false;
    const command_entry* entry = nullptr;
    if (mime::iequals(*name, "UID")) {
        const auto inner = parser.space() ? parser.atom() : std::nullopt;
        entry = inner ? find_command(*inner) : nullptr;
        if (entry == nullptr || (entry->flags & has_uid_form) == 0) {
            send_tagged(session, *tag, command_result::bad("Unknown UID command"));
            return;
        }
        uid = true;
    } else {
        entry = find_command(*name);
    }
    if (entry == nullptr) {
        send_tagged(session, *tag, command_result::bad("Unknown command"));
        return;
    }
    if ((entry->states & state_bit(session.state)) == 0) {
        send_tagged(session, *tag,
                    command_result::bad(session.state == protocol_state::not_authenticated
                                            ? "Log in first"
                                            : "Command not valid in this state"));
        return;
    }
    if ((entry->flags & changes_mailbox) != 0 && session.selected && session.selected->read_only) {
        send_tagged(session, *tag, command_result::no("[READ-ONLY] Mailbox is read-only"));
        return;
    }

    command_context context{session, *tag, uid, argument_parser(parser.rest())};
    command_result result;
    try {
        result = entry->run(context);
    } catch (const std::exception& error) {
        result = storage_failure_reply(session, error, entry->name);
    }
    if (!result.tagged) {
        return;
    }
    if ((entry->flags & no_updates) == 0 && session.selected &&
        session.state == protocol_state::selected) {
        try {
            report_changes(session, uid || (entry->flags & no_expunge_reply) == 0, uid);
        } catch (const std::exception& error) {
            session.event(fmt::format("event=update_failed error=\"{}\"", error.what()));
        }
    }
    send_tagged(session, *tag, result);
    session.output.step = result.step;
}

void handle_frame(session_state& session, const frame& item) {
    switch (item.kind) {
    case frame_kind::continue_literal:
        session.send("+ Ready for literal data\r\n");
        return;
    case frame_kind::line_too_long:
        send_tagged(session, tag_of(item.text), command_result::bad("Command line too long"));
        return;
    case frame_kind::bad_literal:
        send_tagged(session, tag_of(item.text), command_result::bad("Invalid literal size"));
        return;
    case frame_kind::literal_too_large: {
        argument_parser parser(item.text);
        const bool append = parser.tag() && parser.space() && parser.keyword("APPEND");
        send_tagged(session, tag_of(item.text),
                    append ? command_result::no("[TOOBIG] Message exceeds APPENDLIMIT")
                           : command_result::bad("Literal too large"));
        if (item.non_synchronizing) {
            session.send("* BYE Literal data cannot be skipped, closing\r\n");
            session.output.step = next_step::close;
            session.event("event=literal_too_large");
        }
        return;
    }
    case frame_kind::command:
        break;
    }

    if (session.idle_tag) {
        finish_idle(session, item.text);
        return;
    }
    if (session.sasl_tag) {
        const std::string tag = *session.sasl_tag;
        const command_result result = finish_authenticate(session, item.text);
        send_tagged(session, tag, result);
        return;
    }
    if (session.state == protocol_state::not_authenticated &&
        ++session.commands_before_auth > session.config.limits.commands_before_auth) {
        session.send("* BYE Too many commands before login\r\n");
        session.output.step = next_step::close;
        session.event("event=too_many_commands");
        return;
    }
    execute(session, item.text);
}

} // namespace

session_state::session_state(session_config settings, login_service& login_services)
    : config(std::move(settings)), logins(login_services),
      reader(config.limits.line_max,
             [this](std::string_view text) { return literal_limit_for(*this, text); }) {}

std::string capability_list(const session_state& session) {
    std::string list = "IMAP4rev1";
    if (!session.tls_active() && session.config.tls_available &&
        session.state == protocol_state::not_authenticated) {
        list += " STARTTLS";
    }
    if (session.state == protocol_state::not_authenticated) {
        list += session.login_allowed() ? " AUTH=PLAIN SASL-IR" : " LOGINDISABLED";
    }
    list += " LITERAL+ ID IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE ENABLE"
            " CONDSTORE UTF8=ACCEPT";
    list += fmt::format(" APPENDLIMIT={}", session.config.limits.append_max);
    return list;
}

std::optional<std::string> mailbox_argument(const session_state& session,
                                            argument_parser& arguments) {
    const auto wire = arguments.astring();
    if (!wire) {
        return std::nullopt;
    }
    if (!session.utf8_accept) {
        return decode_mailbox_name(*wire);
    }
    std::string checked;
    mime::append_valid_utf8(*wire, checked);
    for (const char c : checked) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return std::nullopt;
        }
    }
    if (checked != *wire) {
        return std::nullopt;
    }
    return checked;
}

void append_mailbox_name(std::string& out, const session_state& session, std::string_view name) {
    if (session.utf8_accept) {
        append_astring(out, name, true);
    } else {
        append_astring(out, encode_mailbox_name(name));
    }
}

command_result storage_failure_reply(session_state& session, const std::exception& error,
                                     std::string_view action) {
    if (const auto* failure = dynamic_cast<const storage::storage_error*>(&error)) {
        switch (static_cast<storage::errc>(failure->code().value())) {
        case storage::errc::not_found:
            return command_result::no("[NONEXISTENT] No such mailbox or message");
        case storage::errc::already_exists:
            return command_result::no("[ALREADYEXISTS] Mailbox already exists");
        case storage::errc::invalid_argument:
            return command_result::no("[CANNOT] Invalid mailbox name or flag");
        case storage::errc::too_big:
            return command_result::no("[LIMIT] Mailbox is full");
        case storage::errc::busy:
            return command_result::no("[INUSE] Mailbox is busy, try again");
        case storage::errc::disk_full:
            return command_result::no("[OVERQUOTA] Server storage is full");
        default:
            break;
        }
    }
    session.event(
        fmt::format("event=internal_error command={} error=\"{}\"", action, error.what()));
    return command_result::no("[SERVERBUG] Internal error, try again later");
}

std::vector<message_entry> load_messages(session_state& session) {
    return session.access->list_messages(session.selected->info.id);
}

std::optional<std::vector<std::size_t>> resolve_messages(const selected_mailbox& mailbox,
                                                         const sequence_set& set, bool uid) {
    std::vector<std::size_t> indexes;
    const std::size_t count = mailbox.messages.size();
    if (uid) {
        const std::uint32_t last = count == 0 ? 0 : mailbox.messages.back().entry.uid;
        for (std::size_t i = 0; i < count; ++i) {
            if (set.contains(mailbox.messages[i].entry.uid, last)) {
                indexes.push_back(i);
            }
        }
        return indexes;
    }
    for (const sequence_set::range& range : set.ranges()) {
        for (const std::uint32_t end : {range.first, range.last}) {
            if (end != sequence_set::star && end > count) {
                return std::nullopt;
            }
        }
        if (count == 0) {
            return std::nullopt;
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (set.contains(static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(count))) {
            indexes.push_back(i);
        }
    }
    return indexes;
}

namespace {

// Builds the selected mailbox's current message list from what changed since the
// session's modseq and the current UIDs, so that a busy large mailbox is not listed
// whole after every change. Every appended or changed message has a modseq above the
// session's, so each UID is either in changed or in the session's list. A UID in
// neither would mean that the snapshot is inconsistent, and then the whole list is read.
std::vector<message_entry> current_messages(session_state& session) {
    const selected_mailbox& mailbox = *session.selected;
    std::vector<message_entry> changed =
        session.access->list_messages_since(mailbox.info.id, mailbox.highestmodseq);
    const std::vector<storage::message_uid> uids = session.access->list_uids(mailbox.info.id);

    std::vector<message_entry> current;
    current.reserve(uids.size());
    auto next_changed = changed.begin();
    auto next_known = mailbox.messages.begin();
    for (const storage::message_uid uid : uids) {
        while (next_changed != changed.end() && next_changed->uid < uid) {
            ++next_changed;
        }
        if (next_changed != changed.end() && next_changed->uid == uid) {
            current.push_back(std::move(*next_changed));
            continue;
        }
        while (next_known != mailbox.messages.end() && next_known->entry.uid < uid) {
            ++next_known;
        }
        if (next_known == mailbox.messages.end() || next_known->entry.uid != uid) {
            return load_messages(session);
        }
        current.push_back(next_known->entry);
    }
    return current;
}

} // namespace

void report_changes(session_state& session, bool allow_expunge, bool uid_form) {
    selected_mailbox& mailbox = *session.selected;
    const storage::mailbox_status status = session.access->change_status(mailbox.info.id);
    const bool changed =
        status.highestmodseq != mailbox.highestmodseq || status.uidnext != mailbox.uidnext;
    if (changed) {
        std::vector<message_entry> current = current_messages(session);
        mailbox.highestmodseq = status.highestmodseq;
        mailbox.uidnext = status.uidnext;

        // Both lists are sorted by UID, so one merge finds expunged, changed and new.
        std::size_t next = 0;
        for (std::size_t i = 0; i < mailbox.messages.size(); ++i) {
            message_slot& slot = mailbox.messages[i];
            while (next < current.size() && current[next].uid < slot.entry.uid) {
                ++next; // defensive: the store never reuses a UID, so no new row sorts before an
                        // old one
            }
            if (next == current.size() || current[next].uid != slot.entry.uid) {
                slot.expunged = true;
                continue;
            }
            message_entry& fresh = current[next++];
            if (!slot.expunged &&
                (fresh.flags != slot.entry.flags || fresh.keywords != slot.entry.keywords)) {
                std::string line = fmt::format("* {} FETCH (", i + 1);
                if (uid_form) {
                    line += fmt::format("UID {} ", fresh.uid);
                }
                line += "FLAGS " + format_flag_list(fresh.flags, fresh.keywords);
                if (session.condstore) {
                    line += fmt::format(" MODSEQ ({})", fresh.modseq);
                }
                line += ")\r\n";
                session.send(line);
            }
            slot.entry = std::move(fresh);
        }
        const std::size_t old_count = mailbox.messages.size();
        const storage::message_uid last_uid =
            old_count == 0 ? 0 : mailbox.messages.back().entry.uid;
        for (message_entry& entry : current) {
            if (entry.uid > last_uid) {
                mailbox.messages.push_back(message_slot{std::move(entry), false});
            }
        }
        if (mailbox.messages.size() != old_count) {
            session.send(fmt::format("* {} EXISTS\r\n", mailbox.messages.size()));
        }
    }

    if (!allow_expunge) {
        return;
    }
    // Highest sequence number first, so each number is still valid when it is sent.
    for (std::size_t i = mailbox.messages.size(); i-- > 0;) {
        if (mailbox.messages[i].expunged) {
            session.send(fmt::format("* {} EXPUNGE\r\n", i + 1));
            mailbox.messages.erase(mailbox.messages.begin() + static_cast<std::ptrdiff_t>(i));
        }
    }
}

session::session(session_config config, login_service& logins)
    : state_(std::make_unique<session_state>(std::move(config), logins)) {}

session::~session() = default;

session_output session::greet() {
    state_->send(fmt::format("* OK [CAPABILITY {}] {} IMAP4rev1 ready\r\n",
                             capability_list(*state_), state_->config.hostname));
    return std::exchange(state_->output, {});
}

session_output session::feed(std::string_view input) {
    session_state& session = *state_;
    while (session.output.step == next_step::read) {
        const std::optional<frame> item = session.reader.next(input);
        if (!item) {
            break;
        }
        handle_frame(session, *item);
    }
    // After STARTTLS or BYE nothing the client pipelined may be acted on (RFC 3501
    // section 6.2.1): octets left in input are dropped here.
    if (session.output.step == next_step::start_tls) {
        session.reader.clear();
    }
    return std::exchange(session.output, {});
}

session_output session::tls_started() {
    state_->config.tls_active = true;
    state_->reader.clear();
    return std::exchange(state_->output, {});
}

session_output session::poll() {
    session_state& session = *state_;
    if (session.idle_tag && session.selected) {
        try {
            report_changes(session, true, false);
        } catch (const std::exception& error) {
            session.event(fmt::format("event=update_failed error=\"{}\"", error.what()));
        }
    }
    return std::exchange(session.output, {});
}

session_output session::timed_out() {
    state_->send("* BYE Autologout, idle for too long\r\n");
    state_->output.step = next_step::close;
    state_->event("event=timeout");
    return std::exchange(state_->output, {});
}

session_output session::account_closed() {
    state_->send("* BYE Account closed by the server administrator\r\n");
    state_->output.step = next_step::close;
    state_->event("event=account_closed");
    return std::exchange(state_->output, {});
}

std::chrono::seconds session::read_timeout() const {
    return state_->state == protocol_state::not_authenticated
               ? state_->config.limits.idle_timeout_unauthenticated
               : state_->config.limits.idle_timeout;
}

bool session::idling() const {
    return state_->idle_tag.has_value();
}

std::string session::account() const {
    return state_->access ? state_->access->account_name() : std::string();
}

} // namespace skrynka::imap
