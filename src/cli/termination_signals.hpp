// Keeps the last step of a command that creates secrets from being cut in half by a
// signal.
#pragma once

namespace skrynka::app::cli {

// Blocks SIGHUP, SIGINT, SIGQUIT and SIGTERM for the rest of the process. A command calls
// it just before its short final step (create a file, print a secret, commit) so that
// the step finishes or never starts. A signal sent after this call stays pending and
// is discarded when the process exits. Throws cli_error when the mask cannot be set.
void block_termination_signals();

} // namespace skrynka::app::cli
