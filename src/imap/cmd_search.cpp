// SEARCH and UID SEARCH (RFC 3501 sections 6.4.4 and 6.4.8). Messages are decrypted only
// when a key needs their headers or text.
#include "src/imap/search.hpp"
#include "src/imap/session_state.hpp"

#include <fmt/format.h>

namespace skrynka::imap {

namespace {

class lazy_content : public search_content {
  public:
    lazy_content(mail_access& access, storage::mailbox_id mailbox, const message_entry& entry)
        : access_(access), mailbox_(mailbox), entry_(entry) {}

    const mime::message_summary& summary() override { return opened().summary(); }

    std::string_view raw() override {
        if (!raw_) {
            raw_ = opened().read(0, entry_.size);
        }
        return *raw_;
    }

  private:
    message_content& opened() {
        if (!content_) {
            content_ = access_.open(mailbox_, entry_.uid);
            if (!content_) {
                throw std::runtime_error("message vanished during SEARCH");
            }
        }
        return *content_;
    }

    mail_access& access_;
    storage::mailbox_id mailbox_;
    const message_entry& entry_;
    std::unique_ptr<message_content> content_;
    std::optional<std::string> raw_;
};

} // namespace

command_result run_search(command_context& command) {
    session_state& session = command.session;
    argument_parser& arguments = command.arguments;
    if (!arguments.space()) {
        return command_result::bad("SEARCH needs criteria");
    }
    auto parsed = parse_search(arguments);
    if (const auto* error = std::get_if<search_error>(&parsed)) {
        return *error == search_error::unknown_charset
                   ? command_result::no("[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset")
                   : command_result::bad("Invalid search criteria");
    }
    const search_program& program = std::get<search_program>(parsed);

    selected_mailbox& mailbox = *session.selected;
    search_bounds bounds;
    bounds.last_sequence = static_cast<std::uint32_t>(mailbox.messages.size());
    bounds.last_uid = mailbox.messages.empty() ? 0 : mailbox.messages.back().entry.uid;
    if (program.uses_modseq) {
        session.condstore = true;
    }
    std::string line = "* SEARCH";
    std::int64_t highest_modseq = 0;
    for (std::size_t i = 0; i < mailbox.messages.size(); ++i) {
        const message_slot& slot = mailbox.messages[i];
        if (slot.expunged) {
            continue;
        }
        search_message message;
        message.sequence = static_cast<std::uint32_t>(i + 1);
        message.uid = slot.entry.uid;
        message.flags = slot.entry.flags;
        message.keywords = &slot.entry.keywords;
        message.internal_date = slot.entry.internal_date;
        message.size = slot.entry.size;
        message.modseq = slot.entry.modseq;
        lazy_content content(*session.access, mailbox.info.id, slot.entry);
        if (matches(program.root, message, content, bounds)) {
            line += fmt::format(" {}", command.uid ? slot.entry.uid : i + 1);
            highest_modseq = std::max(highest_modseq, slot.entry.modseq);
        }
    }
    // RFC 7162 section 3.1.5: a search with MODSEQ reports the highest mod-sequence found.
    if (program.uses_modseq && highest_modseq != 0) {
        line += fmt::format(" (MODSEQ {})", highest_modseq);
    }
    session.send(line + "\r\n");
    return command_result::ok(command.uid ? "UID SEARCH completed" : "SEARCH completed");
}

} // namespace skrynka::imap
