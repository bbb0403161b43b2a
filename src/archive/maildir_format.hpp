// Maildir++ as Dovecot reads it with its default layout: INBOX is the root folder,
// every other mailbox is a folder ".level1.level2" beside cur/, new/ and tmp/, with
// each level in modified UTF-7 (RFC 3501 section 5.1.3). Flags are the letters after
// ":2," in a file name; keywords are the letters a to z, which the folder's
// dovecot-keywords file maps to names.
#pragma once

#include "src/archive/mbox_format.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::archive {

// Number of keywords a Maildir folder can carry: one letter each, a to z.
inline constexpr std::size_t max_maildir_keywords = 26;

// Returns the folder name of a mailbox: "" for INBOX, ".Archive.2024" for
// "Archive/2024". A '.' inside a level cannot be a Maildir++ separator, so it is written
// as its modified UTF-7 form "&AC4-".
// NOTE: Dovecot shows such a level with "&AC4-" in its name, because that is not the
// canonical encoding; skrynka's import reads it back as '.'.
std::string maildir_folder_name(std::string_view mailbox);

// Returns the mailbox of a folder name (the inverse of maildir_folder_name), or nothing
// when the name is not a Maildir++ folder or a level is not valid modified UTF-7.
std::optional<std::string> mailbox_of_folder(std::string_view folder);

// Maps keywords of one folder to letters, in the order first seen.
class keyword_letters {
  public:
    // Returns the letter of keyword, adding it when there is room; nothing when the
    // folder already uses all 26 letters.
    std::optional<char> letter_of(const std::string& keyword);
    // Returns the contents of dovecot-keywords: "0 $Work\n1 Later\n".
    std::string file_contents() const;
    // Reads a dovecot-keywords file; lines that are not "N name" with N below 26 are
    // skipped.
    static keyword_letters parse(std::string_view contents);
    std::optional<std::string> keyword_of(char letter) const;
    bool empty() const noexcept { return names_.empty(); }

  private:
    std::vector<std::string> names_;
};

// Returns ":2," followed by the flag letters in ASCII order: D (\Draft), F (\Flagged),
// R (\Answered), S (\Seen), T (\Deleted), then the keyword letters. Keywords without a
// letter are left out and listed in dropped.
std::string maildir_info(const message_flags& flags, keyword_letters& letters,
                         std::vector<std::string>& dropped);

// Reads the flags from a file name: the letters after ":2,". A name without ":2," has
// no flags. Unknown letters are ignored.
message_flags flags_of_file_name(std::string_view file_name, const keyword_letters& letters);

// Returns the base name of a message file:
// "<export time>.M<uid, 10 digits>P<pid>.skrynka,S=<size>". The time is the same for
// every file of one export and the UID is unique within its mailbox, so the names are
// unique and sort in UID order, which is the order an import reads them in.
std::string maildir_base_name(std::int64_t export_time, std::uint32_t uid, long process,
                              std::uint64_t size);

} // namespace skrynka::archive
