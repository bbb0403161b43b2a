// An opened instance for the administration commands: its settings, its file layout,
// and its directory database opened with the storage key.
#pragma once

#include "policies/address.hpp"
#include "src/cli/global_options.hpp"
#include "src/config/instance_paths.hpp"
#include "src/config/settings.hpp"
#include "storage/directory.hpp"

namespace skrynka::app::cli {

struct instance {
    config::settings settings;
    config::instance_paths paths;
    storage::directory directory;
};

// Loads the config and opens the existing directory database. Throws config_error for
// the config, and cli_error when the storage key or the directory cannot be opened,
// naming the file and what to check.
instance open_instance(const global_options& globals);

// Returns the account whose primary address is address. Throws cli_error("no account
// ADDRESS") when there is none (an alias is not an account).
storage::account require_account(instance& opened, const policies::address& address);

} // namespace skrynka::app::cli
