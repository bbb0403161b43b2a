#include "src/cli/verify_command.hpp"

#include "crypto/encoding.hpp"
#include "crypto/receipt.hpp"
#include "src/cli/absence_proof.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "storage/account_wipe.hpp"
#include "storage/error.hpp"
#include "storage/key_file.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/receipt_store.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

namespace skrynka::app::cli {

namespace {

struct verify_arguments {
    std::string receipt_id;
    std::string file;
    std::string public_key;
};

// The largest receipt file read: a receipt is well under 2 KiB.
constexpr std::size_t receipt_file_max_size = 64 * 1024;

storage::stored_receipt load_receipt(instance& opened, std::string_view id_text,
                                     crypto::receipt_kind expected) {
    const auto id = crypto::hex_decode(id_text);
    if (!id || id->size() != crypto::receipt_id_size) {
        throw cli_error(fmt::format("invalid receipt id '{}': expected 32 hex digits as "
                                    "printed by `skrynka receipts list`",
                                    id_text));
    }
    auto stored = storage::find_receipt(opened.directory.db(), crypto::hex_encode(*id));
    if (!stored) {
        throw cli_error(fmt::format("no receipt {}", crypto::hex_encode(*id)));
    }
    if (stored->receipt.body.kind != expected) {
        throw cli_error(fmt::format("receipt {} is a {} receipt; use `skrynka verify {}`",
                                    crypto::hex_encode(*id),
                                    crypto::receipt_kind_name(stored->receipt.body.kind),
                                    crypto::receipt_kind_name(stored->receipt.body.kind)));
    }
    return std::move(*stored);
}

int verify_deletion(const global_options& globals, const verify_arguments& arguments) {
    instance opened = open_instance(globals);
    const storage::stored_receipt stored =
        load_receipt(opened, arguments.receipt_id, crypto::receipt_kind::deletion);
    const crypto::signing_public_key audit_key = open_audit_log(opened).public_key();
    const crypto::fingerprints probes = check_stored_receipt(stored, audit_key);
    const crypto::receipt& body = stored.receipt.body;
    std::cout << fmt::format("receipt: {} signature valid (key {})\n", crypto::hex_encode(body.id),
                             crypto::public_key_id(audit_key));

    const std::filesystem::path database =
        storage::mailbox_database_path(opened.settings.server.state_dir, body.account_id);
    std::optional<crypto::secret_bytes> key;
    try {
        key = opened.directory.mailbox_database_key(body.account_id);
    } catch (const storage::storage_error& error) {
        if (error.code() != storage::errc::not_found) {
            throw;
        }
    }
    std::error_code ignored;
    if (!key) {
        if (std::filesystem::exists(database, ignored) ||
            std::filesystem::exists(database.string() + "-wal", ignored)) {
            throw cli_error(fmt::format("cannot verify: {} exists but the directory has no key "
                                        "for account {}; a wipe may be unfinished",
                                        database.string(), body.account_id));
        }
        std::cout << "pages scanned: 0\n";
        std::cout << "verdict: absent (the account's mailbox database and its key are gone)\n";
        return 0;
    }

    const crypto::absence_report report = scan_database(database, *key, probes);
    print_absence_report(std::cout, database, report);
    if (report.any_needle_found()) {
        std::cout << "verdict: found\n";
        return 1;
    }
    if (!report.proves_absence()) {
        std::cout << "verdict: inconclusive (pages that fail their HMAC or a damaged layout "
                     "could not be searched)\n";
        return 1;
    }
    std::cout << fmt::format("verdict: absent (the sealed key and {} chunk(s) of uid {} in {})\n",
                             body.chunk_count, body.uid, body.mailbox);
    return 0;
}

int verify_wipe(const global_options& globals, const verify_arguments& arguments) {
    instance opened = open_instance(globals);
    const storage::stored_receipt stored =
        load_receipt(opened, arguments.receipt_id, crypto::receipt_kind::wipe);
    const crypto::signing_public_key audit_key = open_audit_log(opened).public_key();
    const crypto::fingerprints probes = check_stored_receipt(stored, audit_key);
    const crypto::receipt& body = stored.receipt.body;
    std::cout << fmt::format("receipt: {} signature valid (key {})\n", crypto::hex_encode(body.id),
                             crypto::public_key_id(audit_key));

    std::vector<std::string> problems;
    if (opened.directory.find_account(body.account_id)) {
        problems.push_back(fmt::format("account {} still exists", body.account_id));
    }
    for (const std::filesystem::path& path :
         storage::mailbox_files(opened.settings.server.state_dir, body.account_id)) {
        std::error_code ignored;
        if (std::filesystem::exists(std::filesystem::symlink_status(path, ignored))) {
            problems.push_back(fmt::format("{} still exists", path.string()));
        }
    }

    const crypto::secret_bytes storage_key = storage::read_storage_key(opened.paths.storage_key);
    const crypto::absence_report report =
        storage::scan_directory(opened.paths.directory_database, storage_key, probes);
    print_absence_report(std::cout, opened.paths.directory_database, report);
    for (const std::string& problem : problems) {
        std::cout << "problem: " << problem << '\n';
    }
    if (report.any_needle_found() || !problems.empty()) {
        std::cout << "verdict: found\n";
        return 1;
    }
    if (!report.proves_absence()) {
        std::cout << "verdict: inconclusive (pages that fail their HMAC or a damaged layout "
                     "could not be searched)\n";
        return 1;
    }
    std::cout << fmt::format("verdict: absent (no key slot and no mailbox database key of {}, "
                             "and no mailbox file)\n",
                             body.account);
    return 0;
}

std::string read_receipt_file(const std::string& file) {
    std::ifstream in;
    std::istream* source = &std::cin;
    if (file != "-") {
        in.open(file, std::ios::binary);
        if (!in) {
            throw cli_error(fmt::format("cannot open {}", file));
        }
        source = &in;
    }
    std::string text;
    char buffer[4096];
    while (source->read(buffer, sizeof buffer) || source->gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(source->gcount()));
        if (text.size() > receipt_file_max_size) {
            throw cli_error(fmt::format("{} is not a receipt: it is larger than {} bytes", file,
                                        receipt_file_max_size));
        }
    }
    return text;
}

int verify_receipt_file(const verify_arguments& arguments) {
    const auto key = crypto::hex_decode(arguments.public_key);
    if (!key || key->size() != crypto::signing_public_key_size) {
        throw cli_error(fmt::format("invalid --public-key '{}': expected 64 hex digits, the audit "
                                    "public key printed by `skrynka init` or `skrynka audit head`",
                                    arguments.public_key));
    }
    const auto receipt = crypto::receipt_from_json(read_receipt_file(arguments.file));
    if (!receipt) {
        throw cli_error(fmt::format("{} is not a skrynka receipt: expected the JSON printed by "
                                    "`skrynka receipts show`",
                                    arguments.file));
    }
    const crypto::receipt& body = receipt->body;
    if (!std::equal(key->begin(), key->end(), receipt->public_key.begin())) {
        throw cli_error(fmt::format("receipt {} is signed by key {}, not by the given key {}",
                                    crypto::hex_encode(body.id),
                                    crypto::public_key_id(receipt->public_key),
                                    crypto::public_key_id(*key)));
    }
    if (!crypto::signature_valid(*receipt)) {
        throw cli_error(fmt::format("receipt {}: the signature does not verify",
                                    crypto::hex_encode(body.id)));
    }
    std::cout << fmt::format("receipt: {}\nkind: {}\naccount: {}\ntime: {}\naudit sequence: {}\n",
                             crypto::hex_encode(body.id), crypto::receipt_kind_name(body.kind),
                             body.account, crypto::format_receipt_time(body.time),
                             body.audit_sequence);
    if (body.kind == crypto::receipt_kind::deletion) {
        std::cout << fmt::format("mailbox: {}\nuid: {}\n", body.mailbox, body.uid);
    }
    std::cout << fmt::format("signature valid (key {})\n", crypto::public_key_id(*key));
    return 0;
}

} // namespace

void add_verify_command(CLI::App& app, const global_options& globals,
                        std::function<int()>& action) {
    auto arguments = std::make_shared<verify_arguments>();
    CLI::App* verify = app.add_subcommand("verify", "Check receipts and prove deletions");
    verify->require_subcommand(1);

    CLI::App* deletion = verify->add_subcommand(
        "deletion", "Check a deletion receipt and search the account's database file and WAL "
                    "for the deleted message; exit status 0 only when it is absent");
    deletion->add_option("receipt", arguments->receipt_id, "Receipt id (32 hex digits)")
        ->required();
    deletion->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return verify_deletion(globals, *arguments); };
    });

    CLI::App* wipe = verify->add_subcommand(
        "wipe", "Check a wipe receipt, that the account's files are gone, and search "
                "directory.db for its keys; exit status 0 only when nothing is left");
    wipe->add_option("receipt", arguments->receipt_id, "Receipt id (32 hex digits)")->required();
    wipe->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return verify_wipe(globals, *arguments); };
    });

    CLI::App* receipt = verify->add_subcommand(
        "receipt", "Check the signature of a saved receipt without the server's state");
    receipt->add_option("file", arguments->file, "Receipt JSON file, or - for standard input")
        ->required();
    receipt->add_option("--public-key", arguments->public_key, "Audit public key (64 hex digits)")
        ->required();
    receipt->callback([&action, arguments] {
        action = [arguments] { return verify_receipt_file(*arguments); };
    });
}

} // namespace skrynka::app::cli
