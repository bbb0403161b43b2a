#include "src/cli/backup_command.hpp"

#include "crypto/encoding.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/backup_manifest.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/instance_files.hpp"
#include "src/config/instance_paths.hpp"
#include "storage/audit_time.hpp"
#include "storage/database.hpp"
#include "storage/directory.hpp"
#include "storage/error.hpp"
#include "storage/key_file.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/online_backup.hpp"

#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace skrynka::app::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view manifest_name = "manifest";
constexpr std::string_view signature_name = "manifest.sig";

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::span<const unsigned char> as_bytes(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

// The output folder must be new or empty, so a backup never mixes with an older one.
void prepare_output(const fs::path& output) {
    std::error_code error;
    if (fs::exists(output, error) && !fs::is_empty(output, error)) {
        throw cli_error(fmt::format("{} is not empty; give a new folder to --output",
                                    output.string()));
    }
    make_private_directory(output);
    make_private_directory(output / "mailboxes");
}

backup_file copy_and_digest(storage::database& source, const fs::path& output,
                            const std::string& relative, const crypto::secret_bytes& key) {
    storage::copy_database_online(source, output / relative, key);
    return backup_file{relative, storage::digest_file(output / relative)};
}

int run_backup(const global_options& globals, const fs::path& output) {
    instance opened = open_instance(globals);
    const crypto::secret_bytes storage_key =
        storage::read_storage_key(opened.paths.storage_key);
    const crypto::signing_key_pair audit_key =
        storage::read_audit_signing_key(opened.directory.db());
    prepare_output(output);

    backup_manifest manifest;
    manifest.created = storage::format_audit_time(now_ms());
    manifest.audit_key = audit_key.public_key;
    // The directory first: an account created during the backup then has no mailbox in
    // it, which restore accepts, but never a mailbox without its key.
    manifest.files.push_back(
        copy_and_digest(opened.directory.db(), output, "directory.db", storage_key));
    for (const storage::account& account : opened.directory.list_accounts()) {
        const fs::path source_path =
            storage::mailbox_database_path(opened.settings.server.state_dir, account.id);
        const crypto::secret_bytes key = opened.directory.mailbox_database_key(account.id);
        storage::database source =
            storage::database::open(source_path, key, storage::open_mode::open_existing);
        const std::string relative = fmt::format("mailboxes/{}.db", account.id);
        manifest.files.push_back(copy_and_digest(source, output, relative, key));
    }

    const std::string text = render_manifest(manifest);
    const crypto::signature signature = crypto::sign(audit_key.secret_key, as_bytes(text));
    write_new_file(output / manifest_name, as_bytes(text), 0600);
    write_new_file(output / signature_name, as_bytes(crypto::hex_encode(signature) + "\n"), 0600);
    // Recorded after the copy, so the backup never contains its own record.
    record_admin_action(opened, storage::audit_event::backup_create, "",
                        fmt::format("databases={} output={}", manifest.files.size(),
                                    fs::absolute(output).lexically_normal().string()));

    std::cout << fmt::format("backed up {} database(s) to {}\naudit key {}\n",
                             manifest.files.size(), output.string(),
                             crypto::hex_encode(manifest.audit_key));
    return 0;
}

std::string read_small_file(const fs::path& path) {
    constexpr std::uintmax_t max_bytes = 16 * 1024 * 1024;
    std::error_code error;
    const std::uintmax_t size = fs::file_size(path, error);
    if (error) {
        throw cli_error(fmt::format("failed to read {}: {}", path.string(), error.message()));
    }
    if (size > max_bytes) {
        throw cli_error(fmt::format("{} is larger than {} bytes", path.string(), max_bytes));
    }
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    if (!file) {
        throw cli_error(fmt::format("failed to read {}", path.string()));
    }
    return content.str();
}

// Checks the signature with the key the manifest names, and that key against the one
// the operator expects, when given.
backup_manifest read_verified_manifest(const fs::path& from, const std::string& expected_key) {
    const std::string text = read_small_file(from / manifest_name);
    backup_manifest manifest = parse_manifest(text);
    if (!expected_key.empty() && crypto::hex_encode(manifest.audit_key) != expected_key) {
        throw cli_error(fmt::format("backup {} was signed with audit key {}, not with the "
                                    "expected {}",
                                    from.string(), crypto::hex_encode(manifest.audit_key),
                                    expected_key));
    }
    std::string signature_hex = read_small_file(from / signature_name);
    if (!signature_hex.empty() && signature_hex.back() == '\n') {
        signature_hex.pop_back();
    }
    const auto signature = crypto::hex_decode(signature_hex);
    if (!signature || !crypto::verify(manifest.audit_key, as_bytes(text), *signature)) {
        throw cli_error(fmt::format("backup {}: the manifest signature does not verify; the "
                                    "backup was changed or is incomplete",
                                    from.string()));
    }
    return manifest;
}

void require_digest(const fs::path& path, const backup_file& file) {
    const storage::file_digest actual = storage::digest_file(path);
    if (actual.size != file.digest.size || actual.blake2b != file.digest.blake2b) {
        throw cli_error(fmt::format("{}: the content does not match the manifest ({} bytes, "
                                    "expected {}); the backup was changed or damaged",
                                    path.string(), actual.size, file.digest.size));
    }
}

// Removes a half-restored state folder unless the restore completes.
class state_rollback {
  public:
    explicit state_rollback(fs::path state) : state_(std::move(state)) {}
    state_rollback(const state_rollback&) = delete;
    state_rollback& operator=(const state_rollback&) = delete;
    ~state_rollback() {
        if (!committed_) {
            std::error_code ignored;
            fs::remove_all(state_, ignored);
        }
    }
    void commit() { committed_ = true; }

  private:
    fs::path state_;
    bool committed_ = false;
};

// Opens every restored database with its key, which proves the storage key and the
// mailbox keys, and checks that the directory's own audit key signed the manifest.
void check_restored(const config::instance_paths& paths, const backup_manifest& manifest,
                    const crypto::secret_bytes& storage_key) {
    auto directory = storage::directory::open(paths.directory_database, storage_key,
                                              storage::open_mode::open_existing);
    if (storage::read_audit_signing_key(directory.db()).public_key != manifest.audit_key) {
        throw cli_error("the manifest was not signed by the audit key of the backed-up "
                        "directory; the backup was put together from different instances");
    }
    for (const storage::account& account : directory.list_accounts()) {
        const fs::path path = storage::mailbox_database_path(paths.state_dir, account.id);
        std::error_code error;
        if (!fs::exists(path, error)) {
            // Created while the backup ran, after its mailbox was listed.
            continue;
        }
        storage::database::open(path, directory.mailbox_database_key(account.id),
                                storage::open_mode::open_existing);
    }
}

int run_restore(const fs::path& from, const fs::path& state, const fs::path& storage_key_file,
                const std::string& expected_key) {
    const backup_manifest manifest = read_verified_manifest(from, expected_key);
    for (const backup_file& file : manifest.files) {
        require_digest(from / file.path, file);
    }
    const crypto::secret_bytes storage_key = storage::read_storage_key(storage_key_file);

    std::error_code error;
    if (fs::exists(state, error)) {
        throw cli_error(fmt::format("{} exists; restore needs a new folder for --state",
                                    state.string()));
    }
    const auto paths = config::instance_paths::under(fs::absolute(state));
    state_rollback rollback(paths.state_dir);
    make_private_directory(paths.state_dir);
    make_private_directory(paths.keys_dir);
    make_private_directory(paths.mailboxes_dir);
    write_new_file(paths.storage_key, storage_key.bytes(), 0600);
    for (const backup_file& file : manifest.files) {
        const fs::path target = paths.state_dir / file.path;
        fs::copy_file(from / file.path, target);
        fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write);
        // Checked again on the copy: the backup folder may change between the two reads.
        require_digest(target, file);
    }
    check_restored(paths, manifest, storage_key);
    rollback.commit();

    std::cout << fmt::format(
        "restored {} database(s) from {} into {}\nset server.state_dir to it and copy the "
        "TLS certificate and key, which backups do not contain\n",
        manifest.files.size(), from.string(), paths.state_dir.string());
    return 0;
}

} // namespace

void add_backup_commands(CLI::App& app, const global_options& globals,
                         std::function<int()>& action) {
    auto output = std::make_shared<std::string>();
    CLI::App* backup = app.add_subcommand(
        "backup", "Copy the directory and every mailbox database, still encrypted, while the "
                  "server runs; write a manifest signed with the audit key");
    backup->add_option("--output", *output, "New or empty folder for the backup")
        ->required()
        ->type_name("DIR");
    backup->callback([&globals, &action, output] {
        action = [&globals, output] { return run_backup(globals, *output); };
    });

    struct restore_arguments {
        std::string from;
        std::string state;
        std::string storage_key;
        std::string audit_key;
    };
    auto arguments = std::make_shared<restore_arguments>();
    CLI::App* restore = app.add_subcommand(
        "restore", "Verify a backup and make a new state folder from it; a backup that does "
                   "not verify is rejected and nothing is written");
    restore->add_option("--from", arguments->from, "Backup folder written by backup")
        ->required()
        ->type_name("DIR");
    restore->add_option("--state", arguments->state, "New state folder to create")
        ->required()
        ->type_name("NEWDIR");
    restore->add_option("--storage-key", arguments->storage_key,
                        "The instance's storage key file (keys/storage.key, 32 bytes, mode "
                        "0600), kept apart from the backup")
        ->required()
        ->type_name("FILE");
    restore->add_option("--audit-key", arguments->audit_key,
                        "Audit public key (64 hex digits, as init and backup print it) the "
                        "manifest must be signed with")
        ->type_name("HEX");
    restore->callback([&action, arguments] {
        action = [arguments] {
            return run_restore(arguments->from, arguments->state, arguments->storage_key,
                               arguments->audit_key);
        };
    });
}

} // namespace skrynka::app::cli
