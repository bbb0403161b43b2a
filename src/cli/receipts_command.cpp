#include "src/cli/receipts_command.hpp"

#include "crypto/encoding.hpp"
#include "crypto/receipt.hpp"
#include "src/cli/account_input.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/printable_text.hpp"
#include "storage/audit_time.hpp"
#include "storage/receipt_store.hpp"

#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace skrynka::app::cli {

namespace {

struct receipts_arguments {
    std::string address;
    std::string since;
    bool json = false;
    std::string id;
};

// One table row. A deletion names the mailbox and UID; a wipe, the key slots destroyed.
std::string format_receipt_row(const crypto::signed_receipt& receipt) {
    const crypto::receipt& body = receipt.body;
    const std::string what =
        body.kind == crypto::receipt_kind::deletion
            ? fmt::format("{} uid={} uidvalidity={}", printable_text(body.mailbox), body.uid,
                          body.uidvalidity)
            : fmt::format("account key_slots={}", body.key_slot_count);
    return fmt::format("{}  {:<8}  {}  {:>8}  {}", crypto::hex_encode(body.id),
                       crypto::receipt_kind_name(body.kind), storage::format_audit_time(body.time),
                       body.audit_sequence, what);
}

int list_receipts(const global_options& globals, const receipts_arguments& arguments) {
    const policies::address address = parse_existing_address(arguments.address);
    std::optional<std::int64_t> since;
    if (!arguments.since.empty()) {
        since = storage::parse_audit_time(arguments.since);
        if (!since) {
            throw cli_error(fmt::format("invalid --since '{}': expected an RFC 3339 time such as "
                                        "2026-01-31T18:00:00Z, or a date such as 2026-01-31",
                                        arguments.since));
        }
    }

    instance opened = open_instance(globals);
    const auto receipts = storage::list_receipts(opened.directory.db(), address.text(), since);
    if (arguments.json) {
        for (const crypto::signed_receipt& receipt : receipts) {
            std::cout << crypto::receipt_to_json(receipt);
        }
        return 0;
    }
    std::cout << fmt::format("{:<32}  {:<8}  {:<24}  {:>8}  {}\n", "ID", "KIND", "TIME",
                             "AUDIT", "WHAT");
    for (const crypto::signed_receipt& receipt : receipts) {
        std::cout << format_receipt_row(receipt) << '\n';
    }
    return 0;
}

int show_receipt(const global_options& globals, const receipts_arguments& arguments) {
    const auto id = crypto::hex_decode(arguments.id);
    if (!id || id->size() != crypto::receipt_id_size) {
        throw cli_error(fmt::format("invalid receipt id '{}': expected 32 hex digits as "
                                    "printed by `skrynka receipts list`",
                                    arguments.id));
    }
    instance opened = open_instance(globals);
    const auto stored = storage::find_receipt(opened.directory.db(), crypto::hex_encode(*id));
    if (!stored) {
        throw cli_error(fmt::format("no receipt {}", crypto::hex_encode(*id)));
    }
    std::cout << crypto::receipt_to_json(stored->receipt);
    return 0;
}

} // namespace

void add_receipts_command(CLI::App& app, const global_options& globals,
                          std::function<int()>& action) {
    auto arguments = std::make_shared<receipts_arguments>();
    CLI::App* receipts =
        app.add_subcommand("receipts", "List and show signed deletion and wipe receipts");
    receipts->require_subcommand(1);

    CLI::App* list = receipts->add_subcommand("list", "List an account's receipts, oldest first");
    list->add_option("address", arguments->address, "Account address")->required();
    list->add_option("--since", arguments->since, "Only receipts at or after this RFC 3339 time");
    list->add_flag("--json", arguments->json, "Print one signed JSON receipt per line");
    list->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return list_receipts(globals, *arguments); };
    });

    CLI::App* show = receipts->add_subcommand(
        "show", "Print one receipt as signed JSON, to keep and check with `verify receipt`");
    show->add_option("id", arguments->id, "Receipt id (32 hex digits)")->required();
    show->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return show_receipt(globals, *arguments); };
    });
}

} // namespace skrynka::app::cli
