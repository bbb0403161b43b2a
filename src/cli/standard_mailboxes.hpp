// The mailboxes every new account starts with: INBOX and the five special-use mailboxes
// of RFC 6154 that mail clients look for.
#pragma once

#include "crypto/secret.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

namespace skrynka::app::cli {

struct standard_mailbox {
    std::string_view name;
    // The RFC 6154 attribute, such as "\\Sent"; INBOX has none.
    std::optional<std::string_view> special_use;
};

// Returns INBOX, Drafts, Sent, Trash, Junk and Archive with their attributes.
std::span<const standard_mailbox> standard_mailboxes();

// Creates the mailbox database at path (which must not exist) with mailbox_database_key,
// and in it the standard mailboxes, each subscribed. Throws storage_error.
void create_mailbox_database(const std::filesystem::path& path,
                             const crypto::secret_bytes& mailbox_database_key);

} // namespace skrynka::app::cli
