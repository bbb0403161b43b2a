#include "src/config/instance_paths.hpp"

namespace skrynka::app::config {

instance_paths instance_paths::under(const std::filesystem::path& state_dir) {
    instance_paths paths;
    paths.state_dir = state_dir;
    paths.config_file = state_dir / "skrynka.toml";
    paths.keys_dir = state_dir / "keys";
    paths.storage_key = paths.keys_dir / "storage.key";
    paths.tls_dir = state_dir / "tls";
    paths.certificate = paths.tls_dir / "certificate.pem";
    paths.private_key = paths.tls_dir / "private_key.pem";
    paths.directory_database = state_dir / "directory.db";
    paths.queue_database = state_dir / "queue.db";
    paths.mailboxes_dir = state_dir / "mailboxes";
    return paths;
}

} // namespace skrynka::app::config
