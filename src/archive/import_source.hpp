// Sources that `skrynka import` reads: an mbox file (such as a Google Takeout archive),
// a directory of mbox files as `skrynka export --format mbox` writes it, or a Maildir++
// tree. Each source yields its messages in a fixed order, so a second run over the same
// source meets them in the same order.
#pragma once

#include "src/archive/mbox_format.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skrynka::archive {

struct import_message {
    std::string mailbox; // the mailbox named by the source, UTF-8 with '/' levels
    std::string bytes;   // the message as it will be stored
    message_flags flags;
    std::int64_t internal_date = 0; // seconds since the Unix epoch
};

// Not thread-safe.
class import_source {
  public:
    virtual ~import_source() = default;

    // Returns the next message, or nothing after the last. Throws skipped_message for a
    // message over the size limit (the next call continues after it), and
    // std::runtime_error or std::system_error when the source cannot be read.
    virtual std::optional<import_message> next() = 0;

    // Returns the mailboxes that the source contains, empty ones included, so that an
    // import recreates every folder of an export. Empty for a single mbox file.
    virtual std::vector<std::string> mailboxes() const = 0;

    // Bytes of the source read so far and in total, for a progress display.
    virtual std::uint64_t bytes_done() const = 0;
    virtual std::uint64_t bytes_total() const = 0;
};

// Opens an mbox file or a directory of *.mbox files (levels and percent escapes as
// mbox_file_path writes them). Flags come from Status:, X-Status: and X-Keywords:;
// the leading block that the export writes is removed again. For a single file,
// X-Gmail-Labels picks the mailbox and adds flags (see place_by_labels); a file without
// it goes to INBOX. A mailbox given here overrides where every message goes. The
// internal date comes from the "From " line, or is the time of the import when that
// line has no date. Throws std::runtime_error when path is neither a file nor a
// directory.
std::unique_ptr<import_source> open_mbox_source(const std::filesystem::path& path,
                                                const std::optional<std::string>& mailbox,
                                                std::uint64_t max_message_size);

// Opens a Maildir++ tree: the root is INBOX, each ".a.b" folder the mailbox "a/b".
// Messages of new/ (unflagged) come before those of cur/, each directory in file name
// order. Flags come from the file names and the folder's dovecot-keywords file, the
// internal date from the file's modification time. A mailbox given here overrides where
// every message goes. Throws std::runtime_error when path has no cur/ directory or a
// folder name is not valid modified UTF-7.
std::unique_ptr<import_source> open_maildir_source(const std::filesystem::path& path,
                                                   const std::optional<std::string>& mailbox,
                                                   std::uint64_t max_message_size);

} // namespace skrynka::archive
