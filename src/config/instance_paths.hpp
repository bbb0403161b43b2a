// The file layout of an instance under its state folder, shared by `skrynka init`, which
// creates it, and the commands that open it.
#pragma once

#include <filesystem>

namespace skrynka::app::config {

struct instance_paths {
    std::filesystem::path state_dir;
    std::filesystem::path config_file;        // skrynka.toml
    std::filesystem::path keys_dir;           // keys/, mode 0700
    std::filesystem::path storage_key;        // keys/storage.key, mode 0600
    std::filesystem::path tls_dir;            // tls/, mode 0700
    std::filesystem::path certificate;        // tls/certificate.pem
    std::filesystem::path private_key;        // tls/private_key.pem, mode 0600
    std::filesystem::path directory_database; // directory.db
    std::filesystem::path queue_database;     // queue.db, the outbound queue
    std::filesystem::path mailboxes_dir;      // mailboxes/, mode 0700

    // Returns the layout under state_dir.
    static instance_paths under(const std::filesystem::path& state_dir);
};

} // namespace skrynka::app::config
