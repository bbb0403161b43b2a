// The actions behind `export`, `import` and `decrypt-export`. Each returns the exit
// status (0 when everything was transferred) and throws cli_error with a one-line
// message when it cannot run.
#pragma once

#include "src/archive/mailbox_export.hpp"
#include "src/cli/global_options.hpp"

#include <optional>
#include <string>

namespace skrynka::app::cli {

struct export_request {
    std::string address;
    archive::export_format format = archive::export_format::mbox;
    std::string output;
    bool encrypt = false;
};

// Asks for the account's password (or an app password) and unlocks its key through the
// same code as an IMAP login, then writes every mailbox to request.output, which must
// not exist. With encrypt, also asks for a new passphrase and writes one encrypted file.
// Records account.export in the audit log, also when the password is wrong. Safe while
// `serve` runs: it reads through its own SQLite connection, message by message.
int export_account(const global_options& globals, const export_request& request);

struct import_request {
    std::string address;
    archive::export_format format = archive::export_format::mbox;
    std::string source;
    std::optional<std::string> mailbox;
};

// Seals every message of the source to the account's public key and appends it,
// resumably (see archive::import_messages). Needs no password. Shows a progress bar when
// stderr is a terminal. Records account.import in the audit log. Returns 1 when some
// messages were skipped, after importing all the others.
int import_account(const global_options& globals, const import_request& request);

// Asks for the passphrase and writes the tree held in an encrypted export to output,
// which must not exist. Needs no instance.
int decrypt_export(const std::string& file, const std::string& output);

} // namespace skrynka::app::cli
