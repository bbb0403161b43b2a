// Internal state of one IMAP session, shared by the engine and the command files.
#pragma once

#include "src/imap/argument_parser.hpp"
#include "src/imap/command_reader.hpp"
#include "src/imap/sequence_set.hpp"
#include "src/imap/session.hpp"

#include <optional>
#include <string>
#include <vector>

namespace skrynka::imap {

enum class protocol_state { not_authenticated, authenticated, selected, logout };

// A message of the selected mailbox as this session last reported it. An entry that
// another session expunged stays, marked, until an EXPUNGE response may be sent.
struct message_slot {
    message_entry entry;
    bool expunged = false;
};

struct selected_mailbox {
    storage::mailbox_info info;
    bool read_only = false;
    std::vector<message_slot> messages; // in sequence number order
    std::int64_t highestmodseq = 0;
    storage::message_uid uidnext = 1;
};

struct session_state {
    session_state(session_config config, login_service& logins);

    session_config config;
    login_service& logins;
    command_reader reader;
    protocol_state state = protocol_state::not_authenticated;
    std::unique_ptr<mail_access> access;
    std::optional<selected_mailbox> selected;

    session_output output;
    std::size_t commands_before_auth = 0;
    std::size_t failed_logins = 0;
    // CONDSTORE (RFC 7162 section 3.1) is on once the client used a command that enables
    // it; from then on FETCH responses about flags carry MODSEQ.
    bool condstore = false;
    // After ENABLE UTF8=ACCEPT (RFC 6855) mailbox names travel as UTF-8 instead of
    // modified UTF-7, and APPEND takes the UTF8 data item.
    bool utf8_accept = false;

    // The tag of an AUTHENTICATE waiting for the client's response line.
    std::optional<std::string> sasl_tag;
    // The tag of the IDLE in progress.
    std::optional<std::string> idle_tag;

    bool tls_active() const { return config.tls_active; }
    bool login_allowed() const { return config.tls_active || config.cleartext_login_allowed; }
    void send(std::string_view text) { output.replies.append(text); }
    void event(std::string text) { output.events.push_back(std::move(text)); }
};

// The tagged result of one command.
struct command_result {
    enum class status { ok, no, bad } kind = status::ok;
    std::string text; // may start with a response code such as "[TRYCREATE] "
    next_step step = next_step::read;
    bool tagged = true; // false while a command continues (IDLE, AUTHENTICATE)

    static command_result ok(std::string text) { return {status::ok, std::move(text)}; }
    static command_result no(std::string text) { return {status::no, std::move(text)}; }
    static command_result bad(std::string text) { return {status::bad, std::move(text)}; }
};

struct command_context {
    session_state& session;
    std::string_view tag;
    bool uid = false;
    argument_parser arguments;
};

// The IMAP capability list for the session's current state, without "* CAPABILITY ".
std::string capability_list(const session_state& session);

// Sends untagged EXISTS, EXPUNGE and FETCH FLAGS for changes other sessions made to the
// selected mailbox. Expunges wait while allow_expunge is false (RFC 3501 section 7.4.1
// forbids them during FETCH, STORE and SEARCH).
void report_changes(session_state& session, bool allow_expunge, bool uid_form);

// Reloads the selected mailbox's message list from storage without reporting anything.
std::vector<message_entry> load_messages(session_state& session);

// Maps a storage failure to the tagged reply. This is the one place where storage and
// crypto errors become IMAP responses; the detail goes to the log only.
command_result storage_failure_reply(session_state& session, const std::exception& error,
                                     std::string_view action);

// Reads a mailbox argument: modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT. Returns
// nullopt when the modified UTF-7 is not canonical or the UTF-8 is invalid.
std::optional<std::string> mailbox_argument(const session_state& session,
                                            argument_parser& arguments);

// Appends a mailbox name in the session's wire form.
void append_mailbox_name(std::string& out, const session_state& session, std::string_view name);

// Resolves a sequence set (or UID set) to indexes into session.selected->messages.
// Returns nullopt when a sequence number is beyond the mailbox (BAD).
std::optional<std::vector<std::size_t>> resolve_messages(const selected_mailbox& mailbox,
                                                         const sequence_set& set, bool uid);

// Parses a STATUS item list such as "(MESSAGES UNSEEN)". Returns nullopt when it is
// malformed or names an unknown item.
std::optional<std::vector<std::string_view>> parse_status_items(argument_parser& arguments);
// Formats the untagged STATUS response for items, in the order given.
std::string format_status(const session_state& session, const storage::mailbox_info& mailbox,
                          const storage::mailbox_status& status,
                          const std::vector<std::string_view>& items);

// Command handlers, one file each or per small group.
command_result run_capability(command_context& command);
command_result run_noop(command_context& command);
command_result run_logout(command_context& command);
command_result run_id(command_context& command);
command_result run_starttls(command_context& command);
command_result run_login(command_context& command);
command_result run_authenticate(command_context& command);
command_result finish_authenticate(session_state& session, std::string_view response);
command_result run_select(command_context& command);
command_result run_examine(command_context& command);
command_result run_close(command_context& command);
command_result run_unselect(command_context& command);
command_result run_create(command_context& command);
command_result run_delete(command_context& command);
command_result run_rename(command_context& command);
command_result run_subscribe(command_context& command);
command_result run_unsubscribe(command_context& command);
command_result run_list(command_context& command);
command_result run_lsub(command_context& command);
command_result run_namespace(command_context& command);
command_result run_status(command_context& command);
command_result run_append(command_context& command);
// Parses a parenthesised flag list for APPEND and STORE.
bool parse_flags_argument(argument_parser& arguments, std::uint32_t& flags,
                          std::vector<std::string>& keywords);
command_result run_check(command_context& command);
command_result run_expunge(command_context& command);
command_result run_search(command_context& command);
command_result run_fetch(command_context& command);
command_result run_store(command_context& command);
command_result run_copy(command_context& command);
command_result run_move(command_context& command);
command_result run_idle(command_context& command);
command_result run_enable(command_context& command);

} // namespace skrynka::imap
