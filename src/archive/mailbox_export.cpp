#include "src/archive/mailbox_export.hpp"

#include "crypto/error.hpp"
#include "src/archive/maildir_format.hpp"
#include "src/archive/mbox_format.hpp"
#include "src/message/sealed_message.hpp"
#include "storage/error.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <set>
#include <unistd.h>

namespace skrynka::archive {

namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string_view as_text(const std::vector<unsigned char>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// Creates each parent directory of path that this export has not created yet.
void make_parents(export_sink& sink, std::string_view path, std::set<std::string>& made) {
    std::size_t slash = path.find('/');
    while (slash != std::string_view::npos) {
        const std::string parent(path.substr(0, slash));
        if (made.insert(parent).second) {
            sink.make_directory(parent);
        }
        slash = path.find('/', slash + 1);
    }
}

// Reads and decrypts one message. Returns nothing when a running server expunged it
// after the listing.
std::optional<std::vector<unsigned char>> read_message(storage::mailbox_store& store,
                                                       const storage::mailbox_info& mailbox,
                                                       const storage::message_row& row,
                                                       const crypto::user_key_pair& keys) {
    const auto opened = message::open_message(row, keys);
    if (!opened) {
        throw crypto::crypto_error(
            crypto::errc::authentication_failed,
            fmt::format("message UID {} in mailbox {} does not open with the account's key",
                        row.uid, mailbox.name));
    }
    try {
        return opened->read_all(store, mailbox.id);
    } catch (const storage::storage_error& error) {
        if (error.code() == storage::errc::not_found) {
            return std::nullopt;
        }
        throw;
    } catch (const crypto::crypto_error& error) {
        // An expunge between the listing and the read leaves no chunks, which reads as
        // a failed authentication: tell the two apart by looking again.
        const auto rows = store.list_messages(mailbox.id);
        const bool still_there = std::any_of(rows.begin(), rows.end(),
                                             [&](const auto& other) { return other.uid == row.uid; });
        if (!still_there) {
            return std::nullopt;
        }
        throw;
    }
}

void export_mbox(storage::mailbox_store& store, const crypto::user_key_pair& keys,
                 const storage::mailbox_info& mailbox, export_sink& sink,
                 std::set<std::string>& made, export_counts& counts) {
    const std::string path = mbox_file_path(mailbox.name);
    make_parents(sink, path, made);
    sink.begin_file(path, now_seconds());
    for (const auto& row : store.list_messages(mailbox.id)) {
        const auto bytes = read_message(store, mailbox, row, keys);
        if (!bytes) {
            ++counts.vanished;
            continue;
        }
        sink.write(mbox_entry(as_text(*bytes), {row.flags, row.keywords}, row.internal_date));
        ++counts.messages;
    }
    sink.end_file();
}

void export_maildir(storage::mailbox_store& store, const crypto::user_key_pair& keys,
                    const storage::mailbox_info& mailbox, std::int64_t export_time,
                    export_sink& sink, export_counts& counts) {
    const std::string folder = maildir_folder_name(mailbox.name);
    const std::string prefix = folder.empty() ? std::string() : folder + "/";
    if (!folder.empty()) {
        sink.make_directory(folder);
        // Dovecot and Courier mark a Maildir++ subfolder with this empty file.
        sink.begin_file(prefix + "maildirfolder", now_seconds());
        sink.end_file();
    }
    for (const char* sub : {"cur", "new", "tmp"}) {
        sink.make_directory(prefix + sub);
    }

    keyword_letters letters;
    for (const auto& row : store.list_messages(mailbox.id)) {
        const auto bytes = read_message(store, mailbox, row, keys);
        if (!bytes) {
            ++counts.vanished;
            continue;
        }
        std::vector<std::string> dropped;
        const std::string name =
            maildir_base_name(export_time, row.uid, static_cast<long>(::getpid()),
                              bytes->size()) +
            maildir_info({row.flags, row.keywords}, letters, dropped);
        counts.dropped_keywords += dropped.size();
        sink.begin_file(prefix + "cur/" + name, row.internal_date);
        sink.write(as_text(*bytes));
        sink.end_file();
        ++counts.messages;
    }
    if (!letters.empty()) {
        sink.begin_file(prefix + "dovecot-keywords", now_seconds());
        sink.write(letters.file_contents());
        sink.end_file();
    }
}

} // namespace

std::string mbox_file_path(std::string_view mailbox) {
    std::string path;
    std::size_t start = 0;
    while (start <= mailbox.size()) {
        const std::size_t end = std::min(mailbox.find('/', start), mailbox.size());
        const std::string_view level = mailbox.substr(start, end - start);
        if (start > 0) {
            path += '/';
        }
        for (std::size_t i = 0; i < level.size(); ++i) {
            if (level[i] == '%' || (i == 0 && level[i] == '.')) {
                path += fmt::format("%{:02X}", static_cast<unsigned char>(level[i]));
            } else {
                path += level[i];
            }
        }
        start = end + 1;
    }
    return path + ".mbox";
}

std::optional<std::string> mailbox_of_mbox_path(std::string_view path) {
    constexpr std::string_view suffix = ".mbox";
    if (!path.ends_with(suffix) || path.size() == suffix.size()) {
        return std::nullopt;
    }
    path.remove_suffix(suffix.size());
    std::string mailbox;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '%') {
            mailbox += path[i];
            continue;
        }
        if (i + 2 >= path.size()) {
            return std::nullopt;
        }
        const int high = hex_value(path[i + 1]);
        const int low = hex_value(path[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        mailbox += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return mailbox;
}

export_counts export_mailboxes(storage::mailbox_store& store, const crypto::user_key_pair& keys,
                               export_format format, export_sink& sink) {
    export_counts counts;
    std::set<std::string> made;
    const std::int64_t export_time = now_seconds();
    for (const auto& mailbox : store.list_mailboxes()) {
        if (format == export_format::mbox) {
            export_mbox(store, keys, mailbox, sink, made, counts);
        } else {
            export_maildir(store, keys, mailbox, export_time, sink, counts);
        }
        ++counts.mailboxes;
    }
    return counts;
}

} // namespace skrynka::archive
