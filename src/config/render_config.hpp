// Writes the commented config file that `skrynka init` creates. Its comments are the
// reference for every key; src/config/skrynka.example.toml is its output for
// mail.example.org, and a unit test keeps the two equal.
#pragma once

#include <string>
#include <vector>

namespace skrynka::app::config {

struct new_config {
    // Host name and domains, already canonical (policies::parse_domain output), so they
    // need no TOML escaping.
    std::string hostname;
    std::vector<std::string> domains;
    // Loopback addresses and unprivileged ports (SMTP 2525, submission 2587 and 2465,
    // IMAP 2143 and 2993, POP3 2110 and 2995) instead of the standard ports on every
    // address.
    bool dev = false;
    // server.user, written uncommented when not empty. A name from the user database,
    // so it needs no TOML escaping either.
    std::string user;
};

// Returns the TOML text. Paths in it are relative to the file's folder, so the instance
// folder can move as a whole.
std::string render_config(const new_config& values);

} // namespace skrynka::app::config
