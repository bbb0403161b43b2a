#include "src/cli/wipe_command.hpp"

#include "crypto/encoding.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/password_input.hpp"
#include "src/cli/serve_instance_guard.hpp"
#include "storage/account_wipe.hpp"
#include "storage/error.hpp"
#include "storage/key_file.hpp"
#include "storage/receipt_store.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <spdlog/spdlog.h>
#include <memory>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

struct wipe_arguments {
    std::string address;
    bool yes = false;
};

// Test-only: SKRYNKA_TEST_WIPE_EXIT_AFTER_STEP=K ends the process right after step K,
// without unwinding, as a crash or a power cut would.
storage::wipe_step_hook crash_hook_from_environment() {
    const char* value = std::getenv("SKRYNKA_TEST_WIPE_EXIT_AFTER_STEP");
    if (value == nullptr || *value == '\0') {
        return {};
    }
    const int stop_after = std::atoi(value);
    return [stop_after](int step) {
        if (step == stop_after) {
            std::cerr << fmt::format("skrynka: test hook: exiting after wipe step {}\n", step);
            ::_exit(86);
        }
    };
}

void confirm(const policies::address& address, const wipe_wording& wording) {
    if (!password_input::interactive()) {
        throw cli_error(fmt::format(
            "standard input is not a terminal: add --yes to {} {} without confirmation",
            wording.verb, address.text()));
    }
    std::cerr << fmt::format("Destroy the keys and all of the mail of {}? This cannot be "
                             "undone.\nType the address to confirm: ",
                             address.text());
    std::string typed;
    std::getline(std::cin, typed);
    if (typed != address.text()) {
        throw cli_error(fmt::format("{} was not {}: the confirmation did not match",
                                    address.text(), wording.past));
    }
}

// The base URL of the admin endpoint, for the message that points to it.
std::string admin_endpoint(const config::settings& settings) {
    if (!settings.listen.admin.empty()) {
        return "http://" + settings.listen.admin.front().text();
    }
    if (!settings.listen.admin_tls.empty()) {
        return "https://" + settings.listen.admin_tls.front().text();
    }
    return "ADMIN_ENDPOINT (enable [listen] admin in the config)";
}

// A wipe that already finished left a receipt, so running it again prints that receipt.
int report_earlier_wipe(instance& opened, const policies::address& address) {
    const auto receipts = storage::list_receipts(opened.directory.db(), address.text(), std::nullopt);
    for (auto it = receipts.rbegin(); it != receipts.rend(); ++it) {
        if (it->body.kind == crypto::receipt_kind::wipe) {
            std::cout << fmt::format("{} is already wiped.\nreceipt: {}\n", address.text(),
                                     crypto::hex_encode(it->body.id));
            return 0;
        }
    }
    throw cli_error(fmt::format("no account {}", address.text()));
}

} // namespace

int wipe_account_command(const global_options& globals, const std::string& address_text, bool yes,
                         const wipe_wording& wording) {
    const policies::address address = parse_existing_address(address_text);
    instance opened = open_instance(globals);
    std::unique_ptr<serve_instance_guard> guard;
    try {
        guard = std::make_unique<serve_instance_guard>(opened.paths);
    } catch (const cli_error& error) {
        // Only the server can end the account's sessions, so it does the wipe itself.
        throw cli_error(fmt::format(
            "{}; the running server wipes the account itself, ending its sessions first: "
            "`curl -X DELETE -H 'Authorization: Bearer TOKEN' "
            "{}/api/accounts/{}` (a token comes from `skrynka admin token create`), "
            "or stop the server and run this command again",
            error.what(), admin_endpoint(opened.settings), address.text()));
    }

    const std::optional<storage::wipe_target> target =
        storage::find_wipe_target(opened.directory.db(), address.text());
    if (!target) {
        return report_earlier_wipe(opened, address);
    }
    if (!yes) {
        confirm(address, wording);
    }

    const crypto::secret_bytes storage_key = storage::read_storage_key(opened.paths.storage_key);
    storage::audit_log log = open_audit_log(opened);
    storage::wipe_result result;
    try {
        result = storage::wipe_account(log, opened.settings.server.state_dir, storage_key, *target,
                                       crash_hook_from_environment());
    } catch (const storage::storage_error& error) {
        throw cli_error(fmt::format("the wipe of {} is not finished: {}; run `skrynka wipe {}` "
                                    "again to finish it",
                                    address.text(), error.what(), address.text()));
    }

    std::cout << fmt::format("{} {}.\n{} key slot(s) and the mailbox database key destroyed, "
                             "the mailbox database overwritten and removed, {} page(s) of "
                             "directory.db searched: no key material left.\nreceipt: {}\n",
                             wording.done_heading, address.text(),
                             result.receipt.body.key_slot_count, result.pages_scanned,
                             crypto::hex_encode(result.receipt.body.id));
    return 0;
}

void finish_pending_wipes(storage::audit_writer& audit, const config::instance_paths& paths,
                          const std::filesystem::path& state_directory) {
    const crypto::secret_bytes storage_key = storage::read_storage_key(paths.storage_key);
    audit.run_and_wait([&](storage::audit_log& log) {
        for (const storage::wipe_target& target : storage::pending_wipes(log.db())) {
            spdlog::warn("event=wipe_resumed user={} account_id={}", target.account,
                         target.account_id);
            const storage::wipe_result result =
                storage::wipe_account(log, state_directory, storage_key, target);
            spdlog::info("event=wipe_finished user={} receipt={} pages_scanned={}", target.account,
                         crypto::hex_encode(result.receipt.body.id), result.pages_scanned);
        }
    });
}

void add_wipe_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    auto arguments = std::make_shared<wipe_arguments>();
    CLI::App* wipe = app.add_subcommand(
        "wipe", "Destroy an account's keys and mail with proof, and print a signed wipe receipt");
    wipe->add_option("address", arguments->address, "Account address")->required();
    wipe->add_flag("--yes", arguments->yes, "Do not ask for the typed confirmation");
    wipe->callback([&globals, &action, arguments] {
        action = [&globals, arguments] {
            return wipe_account_command(globals, arguments->address, arguments->yes);
        };
    });
}

} // namespace skrynka::app::cli
