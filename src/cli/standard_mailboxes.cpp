#include "src/cli/standard_mailboxes.hpp"

#include "storage/mailbox_store.hpp"

namespace skrynka::app::cli {

namespace {

constexpr standard_mailbox mailboxes[] = {
    {"INBOX", std::nullopt}, {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Trash", "\\Trash"},    {"Junk", "\\Junk"},     {"Archive", "\\Archive"},
};

} // namespace

std::span<const standard_mailbox> standard_mailboxes() {
    return mailboxes;
}

void create_mailbox_database(const std::filesystem::path& path,
                             const crypto::secret_bytes& mailbox_database_key) {
    auto store =
        storage::mailbox_store::open(path, mailbox_database_key, storage::open_mode::create_new);
    for (const standard_mailbox& mailbox : mailboxes) {
        store.create_mailbox(mailbox.name, mailbox.special_use);
        store.set_subscribed(mailbox.name, true);
    }
}

} // namespace skrynka::app::cli
