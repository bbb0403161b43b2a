// `export`, `import` and `decrypt-export`: an account's mail out of skrynka and into it
// in standard formats (mboxrd, Maildir++), optionally as one passphrase-encrypted file.
#pragma once

#include "src/cli/global_options.hpp"

#include <CLI/App.hpp>
#include <functional>

namespace skrynka::app::cli {

// Adds the three commands to app; the chosen one is stored in action.
void add_mail_transfer_commands(CLI::App& app, const global_options& globals,
                                std::function<int()>& action);

} // namespace skrynka::app::cli
