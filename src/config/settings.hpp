// The settings of one skrynka instance, as loaded from its TOML config file and the
// command line's -o overrides. load_config.hpp fills it; every value in it is checked.
#pragma once

#include "policies/limits.hpp"
#include "src/config/listen_address.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace skrynka::app::config {

struct server_settings {
    // The name the server gives in greetings and in its certificate.
    std::string hostname;
    // The domains whose mail this instance accepts, lowercase, never empty.
    std::vector<std::string> domains;
    // The folder that contains the databases and keys, absolute.
    std::filesystem::path state_dir;
    // The account serve switches to once its sockets and files are open, when it is
    // started as root. Empty: serve started as root exits. A user with ID 0 keeps root.
    std::string user;
    // The group serve switches to with user. Empty: the primary group of user.
    std::string group;
};

// Certificate chain and private key files in PEM, absolute. Both are empty when no TLS
// listener is configured.
struct tls_settings {
    std::filesystem::path certificate;
    std::filesystem::path private_key;
};

// Addresses to listen on, one list per protocol and port kind. An empty list disables
// that listener. The *_tls lists take implicit TLS; the others offer STARTTLS where the
// protocol has it.
struct listen_settings {
    std::vector<listen_address> smtp;
    std::vector<listen_address> submission;
    std::vector<listen_address> submission_tls;
    std::vector<listen_address> imap;
    std::vector<listen_address> imap_tls;
    std::vector<listen_address> pop3;
    std::vector<listen_address> pop3_tls;
    std::vector<listen_address> admin;
    std::vector<listen_address> admin_tls;
};

// Mail from the owners' own clients (ports 587 and 465).
struct submission_settings {
    // Whether the Received field of a submitted message names the client's EHLO name and
    // IP address. Off by default, because every recipient would see where the sender was.
    bool received_names_client = false;
};

// Outbound delivery. mx_override maps a recipient domain (lowercase) to the address that
// takes its mail in place of its MX hosts, for tests and for split setups:
// [delivery.mx_override] example.net = "127.0.0.1:2626".
struct delivery_settings {
    std::map<std::string, listen_address> mx_override;
    // A relay that takes all outbound mail in place of MX hosts (mx_override still wins),
    // with TLS required and verified: STARTTLS, or implicit TLS on port 465. Empty host
    // when not configured. With a username, AUTH PLAIN uses the password in the file.
    std::string smarthost_host;
    std::uint16_t smarthost_port = 0;
    std::string smarthost_username;
    std::filesystem::path smarthost_password_file;
    // PEM certificates the relay's chain is checked against, besides the system's.
    std::filesystem::path smarthost_ca_file;
};

struct settings {
    // The config file the settings came from, absolute.
    std::filesystem::path file;
    server_settings server;
    tls_settings tls;
    listen_settings listen;
    policies::limit_values limits;
    submission_settings submission;
    delivery_settings delivery;
    // One of trace, debug, info, warn, error, critical, off.
    std::string log_level = "info";
};

} // namespace skrynka::app::config
