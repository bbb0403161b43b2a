// libFuzzer target for the IMAP command reader and session engine. The first input octet
// seeds the chunk size; the rest is client input, fed to a logged-in engine over an
// in-memory store. Besides crashes and sanitizer reports it checks that the command
// reader frames the same commands whatever the chunk size, and that every response line
// the engine writes ends in CR LF with each literal's octet count exact.
#include "src/imap/command_reader.hpp"
#include "src/imap/session.hpp"
#include "src/mime/summarize.hpp"
#include "storage/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace skrynka;
using namespace skrynka::imap;

struct stored_message {
    message_entry entry;
    std::string raw;
};

struct stored_mailbox {
    storage::mailbox_info info;
    std::vector<stored_message> messages;
};

[[noreturn]] void fail_not_found() {
    throw storage::storage_error(storage::errc::not_found, {}, "not found");
}

class memory_content : public message_content {
  public:
    explicit memory_content(std::string raw)
        : raw_(std::move(raw)), summary_(mime::summarize(raw_)) {}
    const mime::message_summary& summary() override { return summary_; }
    std::string read(std::uint64_t offset, std::uint64_t length) override {
        if (offset >= raw_.size()) {
            return {};
        }
        return raw_.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
    }

  private:
    std::string raw_;
    mime::message_summary summary_;
};

// A small mail_access kept in memory, with the store's contract where the engine relies
// on it: UIDs ascend and are never reused, and every change bumps HIGHESTMODSEQ.
class memory_access : public mail_access {
  public:
    memory_access() {
        create_mailbox("INBOX");
        const auto inbox = find_mailbox("INBOX")->id;
        append(inbox, "Subject: p\r\n\r\n0123456789\r\n", 0, {}, 0);
        append(inbox,
               "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
               "Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nhi\r\n--x--\r\n",
               0, {"$Work"}, 86400);
    }

    std::string account_name() const override { return "fuzz@example.org"; }

    std::vector<storage::mailbox_info> list_mailboxes() override {
        std::vector<storage::mailbox_info> result;
        for (const auto& [name, mailbox] : mailboxes_) {
            result.push_back(mailbox.info);
        }
        return result;
    }
    std::optional<storage::mailbox_info> find_mailbox(std::string_view name) override {
        const auto found = mailboxes_.find(std::string(name));
        if (found == mailboxes_.end()) {
            return std::nullopt;
        }
        return found->second.info;
    }
    storage::mailbox_info create_mailbox(std::string_view name) override {
        if (name.empty() || mailboxes_.count(std::string(name)) != 0) {
            throw storage::storage_error(storage::errc::already_exists, {}, "exists");
        }
        stored_mailbox mailbox;
        mailbox.info.id = next_id_++;
        mailbox.info.name = std::string(name);
        mailbox.info.uidvalidity = static_cast<std::uint32_t>(mailbox.info.id);
        return mailboxes_.emplace(std::string(name), std::move(mailbox)).first->second.info;
    }
    void rename_mailbox(std::string_view old_name, std::string_view new_name) override {
        auto node = mailboxes_.extract(std::string(old_name));
        if (node.empty()) {
            fail_not_found();
        }
        node.key() = std::string(new_name);
        node.mapped().info.name = std::string(new_name);
        mailboxes_.insert(std::move(node));
    }
    void delete_mailbox(std::string_view name) override {
        if (mailboxes_.erase(std::string(name)) == 0) {
            fail_not_found();
        }
    }
    void set_subscribed(std::string_view name, bool subscribed) override {
        by_name(name).info.subscribed = subscribed;
    }
    storage::mailbox_status status(storage::mailbox_id id) override {
        stored_mailbox& mailbox = by_id(id);
        storage::mailbox_status status;
        status.messages = static_cast<std::int64_t>(mailbox.messages.size());
        status.uidnext = mailbox.info.uidnext;
        status.uidvalidity = mailbox.info.uidvalidity;
        status.highestmodseq = mailbox.info.highestmodseq;
        return status;
    }
    std::vector<message_entry> list_messages(storage::mailbox_id id) override {
        std::vector<message_entry> entries;
        for (const stored_message& message : by_id(id).messages) {
            entries.push_back(message.entry);
        }
        return entries;
    }
    storage::message_uid append(storage::mailbox_id id, std::string_view raw, std::uint32_t flags,
                                const std::vector<std::string>& keywords,
                                std::int64_t internal_date) override {
        stored_mailbox& mailbox = by_id(id);
        stored_message message;
        message.entry.uid = mailbox.info.uidnext++;
        message.entry.flags = flags;
        message.entry.keywords = keywords;
        message.entry.internal_date = internal_date;
        message.entry.size = raw.size();
        message.entry.modseq = ++mailbox.info.highestmodseq;
        message.raw = std::string(raw);
        mailbox.messages.push_back(std::move(message));
        return mailbox.messages.back().entry.uid;
    }
    std::vector<storage::flag_update> store_flags(storage::mailbox_id id,
                                                  std::span<const storage::message_uid> uids,
                                                  storage::flag_change change, std::uint32_t flags,
                                                  std::span<const std::string>) override {
        stored_mailbox& mailbox = by_id(id);
        const std::int64_t modseq = ++mailbox.info.highestmodseq;
        std::vector<storage::flag_update> updates;
        for (stored_message& message : mailbox.messages) {
            if (std::find(uids.begin(), uids.end(), message.entry.uid) == uids.end()) {
                continue;
            }
            std::uint32_t& current = message.entry.flags;
            current = change == storage::flag_change::add      ? current | flags
                      : change == storage::flag_change::remove ? current & ~flags
                                                               : flags;
            message.entry.modseq = modseq;
            updates.push_back({message.entry.uid, modseq, current, message.entry.keywords, true});
        }
        return updates;
    }
    std::vector<storage::copied_uid> copy(storage::mailbox_id source,
                                          std::span<const storage::message_uid> uids,
                                          storage::mailbox_id destination) override {
        std::vector<storage::copied_uid> pairs;
        const std::vector<stored_message> originals = by_id(source).messages;
        for (const stored_message& message : originals) {
            if (std::find(uids.begin(), uids.end(), message.entry.uid) != uids.end()) {
                pairs.push_back({message.entry.uid,
                                 append(destination, message.raw, message.entry.flags,
                                        message.entry.keywords, message.entry.internal_date)});
            }
        }
        return pairs;
    }
    std::vector<storage::copied_uid> move(storage::mailbox_id source,
                                          std::span<const storage::message_uid> uids,
                                          storage::mailbox_id destination) override {
        auto pairs = copy(source, uids, destination);
        expunge(source, uids);
        return pairs;
    }
    void expunge(storage::mailbox_id id, std::span<const storage::message_uid> uids) override {
        stored_mailbox& mailbox = by_id(id);
        std::erase_if(mailbox.messages, [&](const stored_message& message) {
            return std::find(uids.begin(), uids.end(), message.entry.uid) != uids.end();
        });
        ++mailbox.info.highestmodseq;
    }
    std::unique_ptr<message_content> open(storage::mailbox_id id,
                                          storage::message_uid uid) override {
        for (const stored_message& message : by_id(id).messages) {
            if (message.entry.uid == uid) {
                return std::make_unique<memory_content>(message.raw);
            }
        }
        return nullptr;
    }

  private:
    stored_mailbox& by_name(std::string_view name) {
        const auto found = mailboxes_.find(std::string(name));
        if (found == mailboxes_.end()) {
            fail_not_found();
        }
        return found->second;
    }
    stored_mailbox& by_id(storage::mailbox_id id) {
        for (auto& [name, mailbox] : mailboxes_) {
            if (mailbox.info.id == id) {
                return mailbox;
            }
        }
        fail_not_found();
    }

    std::map<std::string, stored_mailbox> mailboxes_;
    storage::mailbox_id next_id_ = 1;
};

class memory_login : public login_service {
  public:
    std::unique_ptr<mail_access> login(std::string_view name, const crypto::secret_bytes& password,
                                       std::string_view,
                                       const std::shared_ptr<net::session_end>&) override {
        if (name != "fuzz" || password.size() != 1) {
            return nullptr;
        }
        return std::make_unique<memory_access>();
    }

    // The fuzzer checks framing, not records.
    void record_rejected_login(std::string_view, std::string_view,
                               storage::login_failure_reason) override {}
};

// Checks that output is a sequence of CR LF terminated lines in which every "{n}" at a
// line end is followed by exactly n octets.
void check_framing(std::string_view output) {
    while (!output.empty()) {
        const std::size_t end = output.find("\r\n");
        if (end == std::string_view::npos) {
            std::abort();
        }
        const std::string_view line = output.substr(0, end);
        output.remove_prefix(end + 2);
        const literal_marker marker = find_literal_marker(line);
        if (marker.kind == literal_marker::kind::valid) {
            if (marker.size > output.size()) {
                std::abort();
            }
            // The literal's octets continue the line they belong to.
            const std::string_view after = output.substr(static_cast<std::size_t>(marker.size));
            output = after;
            if (output.empty()) {
                std::abort();
            }
            const std::size_t rest = output.find("\r\n");
            if (rest == std::string_view::npos) {
                std::abort();
            }
            // What follows the literal is handled as the start of another line.
            const std::string_view tail = output.substr(0, rest);
            if (find_literal_marker(tail).kind != literal_marker::kind::valid) {
                output.remove_prefix(rest + 2);
            }
        }
    }
}

std::vector<std::string> frames_at(std::string_view input, std::size_t chunk) {
    command_reader reader(256, [](std::string_view) { return std::uint64_t{512}; });
    std::vector<std::string> frames;
    while (!input.empty()) {
        std::string_view piece = input.substr(0, chunk);
        input.remove_prefix(piece.size());
        while (const auto item = reader.next(piece)) {
            frames.push_back(std::to_string(static_cast<int>(item->kind)) + ":" +
                             std::string(item->text));
        }
    }
    return frames;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t chunk = 1 + data[0] % 64;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

    if (frames_at(input, chunk) != frames_at(input, input.size() + 1)) {
        std::abort();
    }

    memory_login logins;
    session_config config;
    config.hostname = "fuzz.example.org";
    config.tls_active = true;
    config.limits.line_max = 256;
    config.limits.literal_max = 512;
    config.limits.append_max = 4096;
    session engine(config, logins);
    engine.greet();
    engine.feed("f1 LOGIN fuzz x\r\n");
    std::string_view rest = input;
    std::string output;
    while (!rest.empty()) {
        const std::string_view piece = rest.substr(0, chunk);
        rest.remove_prefix(piece.size());
        const session_output step = engine.feed(piece);
        output += step.replies;
        output += engine.poll().replies;
        if (step.step != next_step::read) {
            break;
        }
    }
    check_framing(output);
    return 0;
}
