// The `skrynka` command line: global options, subcommands, and error reporting.
#pragma once

namespace skrynka::app::cli {

// Parses the command line and runs the selected subcommand. Prints failures as one line
// "skrynka: MESSAGE" on stderr. Returns the process exit status: 0 on success, 1 when a
// command fails, CLI11's status (non-zero) for a usage error.
int run(int argc, char** argv);

} // namespace skrynka::app::cli
