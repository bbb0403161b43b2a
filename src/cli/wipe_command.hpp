// `skrynka wipe ADDRESS [--yes]`: the secure wipe of an account (storage/account_wipe.hpp),
// also used by `skrynka user delete`.
#pragma once

#include "src/cli/global_options.hpp"
#include "src/config/instance_paths.hpp"
#include "storage/audit_writer.hpp"

#include <CLI/App.hpp>
#include <filesystem>
#include <functional>
#include <string>

namespace skrynka::app::cli {

// Words for the action in prompts and messages: "wipe" for `wipe`, "delete" for
// `user delete`.
struct wipe_wording {
    std::string verb = "wipe";          // "add --yes to wipe X"
    std::string past = "wiped";         // "X was not wiped"
    std::string done_heading = "Wiped"; // "Wiped X."
};

// Wipes the account with this primary address, or finishes its wipe when one was cut
// short, after a typed confirmation unless yes. Refuses while `skrynka serve` runs on
// the instance, because its sessions could still hold the account's keys and files; the
// message names the admin endpoint call that wipes inside the server instead.
// Prints the receipt id. Returns the exit status. Throws cli_error.
int wipe_account_command(const global_options& globals, const std::string& address_text, bool yes,
                         const wipe_wording& wording = {});

// Finishes every wipe that a crash cut short, logging each one. For `skrynka serve`
// before its listeners start. Throws what storage::wipe_account throws.
void finish_pending_wipes(storage::audit_writer& audit, const config::instance_paths& paths,
                          const std::filesystem::path& state_directory);

void add_wipe_command(CLI::App& app, const global_options& globals, std::function<int()>& action);

} // namespace skrynka::app::cli
