#include "src/cli/instance.hpp"

#include "src/cli/cli_error.hpp"
#include "storage/error.hpp"
#include "storage/key_file.hpp"

#include <fmt/format.h>

namespace skrynka::app::cli {

instance open_instance(const global_options& globals) {
    config::settings settings = globals.load_settings();
    auto paths = config::instance_paths::under(settings.server.state_dir);

    crypto::secret_bytes storage_key = storage::read_storage_key(paths.storage_key);
    try {
        auto directory = storage::directory::open(paths.directory_database, storage_key,
                                                  storage::open_mode::open_existing);
        return instance{std::move(settings), std::move(paths), std::move(directory)};
    } catch (const storage::storage_error& error) {
        if (error.code() == storage::errc::wrong_key_or_not_a_database) {
            throw cli_error(fmt::format("{}: the storage key {} does not open it; check that "
                                        "both belong to the same instance",
                                        paths.directory_database.string(),
                                        paths.storage_key.string()));
        }
        throw;
    }
}

storage::account require_account(instance& opened, const policies::address& address) {
    auto account = opened.directory.find_account(address.text());
    if (!account) {
        throw cli_error(fmt::format("no account {}", address.text()));
    }
    return *account;
}

} // namespace skrynka::app::cli
