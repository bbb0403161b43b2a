#include "src/cli/account_lifecycle.hpp"

#include "crypto/user_keys.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/account_key_slots.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/generated_secrets.hpp"
#include "src/cli/standard_mailboxes.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"

#include <string>

namespace skrynka::app::cli {

namespace {

constexpr std::size_t mailbox_database_key_size = 32;

void append_admin_record(storage::audit_log& log, storage::transaction& tx,
                         storage::audit_event event, std::string_view subject,
                         std::string_view remote, std::string_view detail) {
    storage::audit_entry entry;
    entry.actor = storage::audit_actor::admin;
    entry.event = event;
    entry.subject = std::string(subject);
    entry.remote = std::string(remote);
    entry.detail = std::string(detail);
    log.append(tx, entry);
}

} // namespace

staged_account stage_account(storage::transaction& tx, storage::directory& directory,
                             storage::audit_log& log, const config::settings& settings,
                             const policies::address& address, const crypto::secret_bytes& password,
                             std::string_view remote) {
    const auto& limits = settings.limits;
    check_new_password(password, address, limits);

    crypto::user_key_pair keys = crypto::generate_user_key_pair();
    staged_account staged;
    staged.recovery_code = generate_recovery_code();
    staged.mailbox_database_key = crypto::secret_bytes::random(mailbox_database_key_size);

    // The slots are sealed inside the transaction because the account id is their context.
    staged.id =
        directory.create_account(tx, address.text(), keys.public_key, staged.mailbox_database_key);
    auto login_slot = seal_slot(keys.secret_key, password, slot_purpose::login, staged.id, limits);
    auto recovery_slot =
        seal_slot(keys.secret_key, *canonical_recovery_code(staged.recovery_code.bytes()),
                  slot_purpose::recovery, staged.id, limits);
    directory.add_key_slot(tx, staged.id, slot_kind_of(slot_purpose::login), login_slot_label,
                           login_slot);
    directory.add_key_slot(tx, staged.id, slot_kind_of(slot_purpose::recovery), recovery_slot_label,
                           recovery_slot);
    append_admin_record(log, tx, storage::audit_event::account_create, address.text(), remote, "");
    append_admin_record(log, tx, storage::audit_event::key_slot_add, address.text(), remote,
                        "slot=login");
    append_admin_record(log, tx, storage::audit_event::key_slot_add, address.text(), remote,
                        "slot=recovery_code");

    staged.mailbox_path = storage::mailbox_database_path(settings.server.state_dir, staged.id);
    return staged;
}

void create_account_mailbox(const staged_account& account) {
    try {
        create_mailbox_database(account.mailbox_path, account.mailbox_database_key);
    } catch (const storage::storage_error& error) {
        // A file already at the path (from another instance sharing the folder, or left
        // by hand) is not ours to remove.
        if (error.code() != storage::errc::already_exists) {
            remove_mailbox_database(account.mailbox_path);
        }
        throw;
    } catch (...) {
        remove_mailbox_database(account.mailbox_path);
        throw;
    }
}

void remove_mailbox_database(const std::filesystem::path& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

} // namespace skrynka::app::cli
