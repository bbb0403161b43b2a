#include "src/cli/init_command.hpp"

#include "crypto/encoding.hpp"
#include "crypto/secret.hpp"
#include "policies/address.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance_files.hpp"
#include "src/cli/self_signed_certificate.hpp"
#include "src/config/instance_paths.hpp"
#include "src/config/render_config.hpp"
#include "storage/audit_log.hpp"
#include "storage/directory.hpp"
#include "storage/key_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace skrynka::app::cli {

namespace {

struct init_options {
    std::string state_dir;
    std::vector<std::string> domains;
    std::string hostname;
    bool dev = false;
};

// Removes what a failed init created, newest first, so that the user can run init again
// in the same folder once the cause is fixed.
class creation_rollback {
  public:
    creation_rollback() = default;
    creation_rollback(const creation_rollback&) = delete;
    creation_rollback& operator=(const creation_rollback&) = delete;

    ~creation_rollback() {
        if (committed_) {
            return;
        }
        for (auto path = created_.rbegin(); path != created_.rend(); ++path) {
            std::error_code ignored;
            std::filesystem::remove(*path, ignored);
        }
    }

    void add(std::filesystem::path path) { created_.push_back(std::move(path)); }
    void commit() noexcept { committed_ = true; }

  private:
    std::vector<std::filesystem::path> created_;
    bool committed_ = false;
};

std::string canonical_domain(const std::string& text, std::string_view option) {
    std::error_code error;
    auto domain = policies::parse_domain(text, error);
    if (!domain) {
        throw cli_error(fmt::format("{} '{}' is invalid: {}", option, text, error.message()));
    }
    return *domain;
}

void reject_existing_instance(const config::instance_paths& paths) {
    for (const auto* path : {&paths.config_file, &paths.storage_key, &paths.certificate,
                             &paths.private_key, &paths.directory_database}) {
        std::error_code error;
        if (std::filesystem::symlink_status(*path, error).type() !=
            std::filesystem::file_type::not_found) {
            throw cli_error(fmt::format(
                "{} already exists: init does not overwrite an existing instance; choose an "
                "empty --state folder",
                path->string()));
        }
    }
}

void make_directory(const std::filesystem::path& path, creation_rollback& rollback) {
    if (make_private_directory(path)) {
        rollback.add(path);
    }
}

void write_file(const std::filesystem::path& path, std::span<const unsigned char> bytes,
                mode_t mode, creation_rollback& rollback) {
    write_new_file(path, bytes, mode);
    rollback.add(path);
}

// Creates directory.db with its audit signing key. Returns the audit public key.
crypto::signing_public_key create_directory_database(const std::filesystem::path& path,
                                                     const crypto::secret_bytes& storage_key,
                                                     creation_rollback& rollback) {
    // SQLite may leave -wal and -shm files beside the database; a rollback removes them
    // too. The directory closes at the end of this scope, before any rollback runs.
    for (const char* suffix : {"-shm", "-wal", ""}) {
        rollback.add(path.string() + suffix);
    }
    storage::directory directory =
        storage::directory::open(path, storage_key, storage::open_mode::create_new);
    return storage::audit_log::open(directory.db()).public_key();
}

// Rejects an existing state folder that group or others can write: they could rename
// directory.db or keys/ and put their own in place. init does not change the mode
// itself, because such a folder is usually shared on purpose.
void reject_shared_state_folder(const std::filesystem::path& state_dir) {
    struct stat status {};
    if (::stat(state_dir.c_str(), &status) != 0) {
        throw cli_error(
            fmt::format("cannot inspect --state {}: {}", state_dir.string(), std::strerror(errno)));
    }
    if (!S_ISDIR(status.st_mode)) {
        throw cli_error(fmt::format("--state {} exists but is not a folder", state_dir.string()));
    }
    if ((status.st_mode & 022) != 0) {
        throw cli_error(fmt::format(
            "--state {} has mode {:04o}, writable by group or others, so they could replace "
            "the instance's files; run chmod go-w on it or choose a private folder",
            state_dir.string(), status.st_mode & 07777));
    }
}

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

int run_init(const init_options& options) {
    if (options.state_dir.empty()) {
        throw cli_error("--state is empty: give the folder for the new instance");
    }
    config::new_config values;
    for (const std::string& domain : options.domains) {
        std::string canonical = canonical_domain(domain, "--domain");
        if (std::find(values.domains.begin(), values.domains.end(), canonical) !=
            values.domains.end()) {
            throw cli_error(fmt::format("--domain '{}' is given twice", domain));
        }
        values.domains.push_back(std::move(canonical));
    }
    // Without --hostname the first domain names the host, which suits a server whose MX
    // record points at the domain itself.
    values.hostname = options.hostname.empty() ? values.domains.front()
                                               : canonical_domain(options.hostname, "--hostname");
    values.dev = options.dev;
    // A development instance created by root is served by root, because its files belong
    // to root. serve rejects root unless server.user names it.
    if (options.dev && ::geteuid() == 0) {
        values.user = "root";
    }

    auto paths = config::instance_paths::under(
        std::filesystem::absolute(options.state_dir).lexically_normal());
    reject_existing_instance(paths);

    creation_rollback rollback;
    // An existing state folder keeps its mode, because it may be shared with other
    // files, but only when no one else can write it. A new one is private like the
    // folders inside it.
    std::error_code error;
    if (!std::filesystem::exists(paths.state_dir, error)) {
        std::filesystem::create_directories(paths.state_dir.parent_path(), error);
        make_directory(paths.state_dir, rollback);
    } else {
        reject_shared_state_folder(paths.state_dir);
    }
    make_directory(paths.keys_dir, rollback);
    make_directory(paths.tls_dir, rollback);
    make_directory(paths.mailboxes_dir, rollback);

    crypto::secret_bytes storage_key = storage::write_storage_key(paths.storage_key);
    rollback.add(paths.storage_key);

    auto certificate = make_self_signed_certificate(values.hostname, options.dev);
    write_file(paths.private_key, certificate.private_key_pem.bytes(), 0600, rollback);
    write_file(paths.certificate, bytes_of(certificate.certificate_pem), 0644, rollback);

    const crypto::signing_public_key audit_key =
        create_directory_database(paths.directory_database, storage_key, rollback);

    write_file(paths.config_file, bytes_of(config::render_config(values)), 0600, rollback);
    rollback.commit();

    std::cout << fmt::format(
        "Created a skrynka instance in {}\n"
        "  config       {}\n"
        "  storage key  {} (back it up apart from the data: without it nothing opens)\n"
        "  certificate  {} (self-signed for {}; replace it with one from a CA)\n"
        "  audit key    {} (Ed25519 public key that signs audit checkpoints;\n"
        "               write it down elsewhere to check signatures later)\n"
        "Next: skrynka -c {} user add ADDRESS\n",
        paths.state_dir.string(), paths.config_file.string(), paths.storage_key.string(),
        paths.certificate.string(), values.hostname, crypto::hex_encode(audit_key),
        paths.config_file.string());
    return 0;
}

} // namespace

void add_init_command(CLI::App& app, const global_options&, std::function<int()>& action) {
    auto options = std::make_shared<init_options>();
    CLI::App* command = app.add_subcommand(
        "init", "Create a new instance: config, storage key, self-signed certificate");
    command->add_option("--state", options->state_dir, "Instance folder to create or fill")
        ->required();
    command->add_option("--domain", options->domains, "Mail domain served (repeatable)")
        ->required()
        ->allow_extra_args(false);
    command->add_option("--hostname", options->hostname,
                        "Server host name (default: the first --domain)");
    command->add_flag("--dev", options->dev,
                      "Listen on 127.0.0.1 with unprivileged ports, for development (run by "
                      "root, it also sets server.user = \"root\")");
    command->callback([options, &action] { action = [options] { return run_init(*options); }; });
}

} // namespace skrynka::app::cli
