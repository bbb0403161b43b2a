// The mailbox and flags of a message from a Google Takeout mbox, taken from its
// X-Gmail-Labels field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::archive {

// Returns the unfolded value of the first header field called name (any letter case),
// or nothing when the header has no such field.
std::optional<std::string> header_field(std::string_view message, std::string_view name);

// Splits an X-Gmail-Labels value at commas outside double quotes, trims spaces and
// removes the quotes.
std::vector<std::string> split_labels(std::string_view value);

struct gmail_placement {
    std::string mailbox;     // where the message goes
    std::uint32_t flags = 0; // storage::flag bits the labels imply
};

// Maps the labels of one message to one mailbox, because skrynka keeps one copy per
// message: Trash, then Spam (to Junk), Drafts, Sent, Inbox (to INBOX), then the first
// label of the user's own, else Archive (mail Gmail had archived). The system labels
// Important, Opened, Unread, Starred, Archived and "Category ..." never name a mailbox.
// Without the label Unread the message is \Seen; Starred gives \Flagged and Drafts
// \Draft.
gmail_placement place_by_labels(const std::vector<std::string>& labels);

} // namespace skrynka::archive
