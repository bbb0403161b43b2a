#include "src/cli/mail_transfer_actions.hpp"

#include "crypto/key_slot.hpp"
#include "src/archive/export_sink.hpp"
#include "src/archive/import_source.hpp"
#include "src/archive/mailbox_import.hpp"
#include "src/auth/account_unlock.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/password_input.hpp"
#include "src/cli/printable_text.hpp"
#include "src/cli/progress_bar.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <iostream>

namespace skrynka::app::cli {

namespace {

namespace fs = std::filesystem;

std::string_view format_name(archive::export_format format) {
    return format == archive::export_format::mbox ? "mbox" : "maildir";
}

crypto::argon2_params argon2_params_from(const policies::limit_values& limits) {
    return {static_cast<std::uint64_t>(limits.argon2_ops),
            static_cast<std::uint64_t>(limits.argon2_memory_kib) * 1024};
}

// Checked before any secret is asked for, so a mistyped path costs no password. The
// sinks check again with O_EXCL and mkdir, which is what actually prevents overwriting.
void reject_existing_output(const fs::path& output) {
    std::error_code error;
    if (fs::symlink_status(output, error).type() != fs::file_type::not_found) {
        throw cli_error(fmt::format(
            "{} already exists; the export never overwrites, so choose a new path",
            output.string()));
    }
}

storage::mailbox_store open_mailbox_store(instance& opened, const storage::account& account) {
    return storage::mailbox_store::open(
        storage::mailbox_database_path(opened.settings.server.state_dir, account.id),
        opened.directory.mailbox_database_key(account.id), storage::open_mode::open_existing);
}

void print_warning(std::string_view warning) {
    std::cerr << "skrynka: warning: " << printable_text(warning) << '\n';
}

} // namespace

int export_account(const global_options& globals, const export_request& request) {
    instance opened = open_instance(globals);
    const policies::address address = parse_existing_address(request.address);
    const storage::account account = require_account(opened, address);
    const fs::path output(request.output);
    reject_existing_output(output);
    const auto& limits = opened.settings.limits;
    const password_input input(static_cast<std::size_t>(limits.password_max_length));

    const crypto::secret_bytes password =
        input.read(fmt::format("Password for {}: ", address.text()));
    const auto unlocked = auth::unlock_account(opened.directory, address.text(), password,
                                               argon2_params_from(limits));
    if (!unlocked) {
        record_admin_action(opened, storage::audit_event::account_export, address.text(),
                            "reason=wrong_password", storage::audit_outcome::failure);
        throw cli_error(fmt::format("wrong password for {}", address.text()));
    }

    crypto::secret_bytes passphrase;
    if (request.encrypt) {
        passphrase = input.read_new("Passphrase for the encrypted export: ");
        check_new_password(passphrase, address, limits);
    }

    storage::mailbox_store store = open_mailbox_store(opened, account);
    std::unique_ptr<archive::export_sink> sink =
        request.encrypt ? archive::make_encrypted_sink(output, passphrase, argon2_params_from(limits))
                        : archive::make_directory_sink(output);
    const archive::export_counts counts =
        archive::export_mailboxes(store, unlocked->keys, request.format, *sink);
    sink->finish();

    record_admin_action(opened, storage::audit_event::account_export, address.text(),
                        fmt::format("format={} encrypted={} mailboxes={} messages={}",
                                    format_name(request.format), request.encrypt ? "yes" : "no",
                                    counts.mailboxes, counts.messages));
    if (counts.vanished > 0) {
        print_warning(fmt::format("{} messages were expunged while the export ran and are not "
                                  "in it",
                                  counts.vanished));
    }
    if (counts.dropped_keywords > 0) {
        print_warning(fmt::format("{} keywords did not fit in a Maildir folder's 26 keyword "
                                  "letters and are not in the export",
                                  counts.dropped_keywords));
    }
    std::cout << fmt::format("Exported {} messages from {} mailboxes of {} to {}.\n",
                             counts.messages, counts.mailboxes, address.text(), output.string());
    return 0;
}

int import_account(const global_options& globals, const import_request& request) {
    instance opened = open_instance(globals);
    const policies::address address = parse_existing_address(request.address);
    const storage::account account = require_account(opened, address);
    const auto max_size = static_cast<std::uint64_t>(opened.settings.limits.imap_append_max_bytes);

    std::unique_ptr<archive::import_source> source;
    try {
        source = request.format == archive::export_format::mbox
                     ? archive::open_mbox_source(request.source, request.mailbox, max_size)
                     : archive::open_maildir_source(request.source, request.mailbox, max_size);
    } catch (const fs::filesystem_error& error) {
        throw cli_error(fmt::format("failed to read {}: {}", request.source,
                                    error.code().message()));
    }

    storage::mailbox_store store = open_mailbox_store(opened, account);
    progress_bar bar;
    std::vector<std::string> warnings;
    archive::import_counts counts;
    try {
        counts = archive::import_messages(
            store, account.public_key, *source,
            [&bar](const archive::import_source& progress, const archive::import_counts& done) {
                bar.update(progress.bytes_done(), progress.bytes_total(),
                           done.imported + done.already_imported);
            },
            warnings);
    } catch (...) {
        bar.finish();
        throw;
    }
    bar.finish();

    for (const auto& warning : warnings) {
        print_warning(warning);
    }
    record_admin_action(opened, storage::audit_event::account_import, address.text(),
                        fmt::format("format={} imported={} already_imported={} skipped={}",
                                    format_name(request.format), counts.imported,
                                    counts.already_imported, counts.skipped));
    std::cout << fmt::format("Imported {} messages into {} ({} were already there, {} skipped, "
                             "{} mailboxes created).\n",
                             counts.imported, address.text(), counts.already_imported,
                             counts.skipped, counts.mailboxes_created);
    return counts.skipped > 0 ? 1 : 0;
}

int decrypt_export(const std::string& file, const std::string& output_text) {
    const fs::path output(output_text);
    if (!fs::is_regular_file(file)) {
        throw cli_error(fmt::format("{} is not a file", file));
    }
    reject_existing_output(output);
    const password_input input(
        static_cast<std::size_t>(policies::limit_values{}.password_max_length));
    const crypto::secret_bytes passphrase = input.read(fmt::format("Passphrase for {}: ", file));

    std::unique_ptr<archive::export_sink> sink = archive::make_directory_sink(output);
    archive::unpack_encrypted_export(file, passphrase, *sink);
    std::cout << fmt::format("Decrypted {} into {}.\n", file, output.string());
    return 0;
}

} // namespace skrynka::app::cli
