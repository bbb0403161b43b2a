// The user subcommands. Each loads the config, opens the directory database with the
// storage key, does its work in durable transactions, and returns the exit status 0.
// Each throws cli_error (or config_error, storage_error) with a one-line message on
// failure, and changes nothing it has not finished.
// Each command that changes an account appends its audit record (see audit_trail.hpp)
// before it prints success.
#pragma once

#include "src/cli/global_options.hpp"

#include <string>

namespace skrynka::app::cli {

// Creates an account: key pair, login key slot from a new password, recovery key slot
// from a generated recovery code (printed once on stdout), mailbox database key, and
// the mailbox database with INBOX, Drafts, Sent, Trash, Junk and Archive.
int add_user(const global_options& globals, const std::string& address);

// Prints one line per account: address, creation time (UTC), aliases.
int list_users(const global_options& globals);

// Reads the current password and a new one, then replaces only the login key slot.
int change_password(const global_options& globals, const std::string& address);

// Deletes the account's key slots, keys, aliases and mailbox database file. Without yes
// it prompts for confirmation on a terminal and fails when stdin is not a terminal.
int delete_user(const global_options& globals, const std::string& address, bool yes);

int add_alias(const global_options& globals, const std::string& alias, const std::string& address);
int remove_alias(const global_options& globals, const std::string& alias,
                 const std::string& address);

// Adds an app password key slot named label and prints the generated password once.
int add_app_password(const global_options& globals, const std::string& address,
                     const std::string& label);
int revoke_app_password(const global_options& globals, const std::string& address,
                        const std::string& label);

// Reads the recovery code, unlocks the user key with it, reads a new login password and
// replaces the login key slot.
int recover_user(const global_options& globals, const std::string& address);

} // namespace skrynka::app::cli
