#include "src/config/render_config.hpp"

#include "policies/limits.hpp"

#include <fmt/format.h>

namespace skrynka::app::config {

namespace {

std::string quoted_list(const std::vector<std::string>& items) {
    std::string text = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", items[i]);
    }
    return text + "]";
}

// Returns the listen array for a port: loopback only in development, else every IPv4
// and IPv6 address.
std::string listen_list(bool dev, int dev_port, int standard_port) {
    if (dev) {
        return quoted_list({fmt::format("127.0.0.1:{}", dev_port)});
    }
    return quoted_list(
        {fmt::format("0.0.0.0:{}", standard_port), fmt::format("[::]:{}", standard_port)});
}

std::string limits_section() {
    std::string text = "[limits]\n"
                       "# Each limit is shown commented out with its default value.\n";
    for (const policies::limit& definition : policies::all_limits()) {
        text += fmt::format("# {} ({}, {} to {}).\n# {} = {}\n", definition.description,
                            definition.unit, definition.minimum, definition.maximum,
                            definition.name, definition.default_value);
    }
    return text;
}

} // namespace

std::string render_config(const new_config& values) {
    std::string text;
    text += "# skrynka configuration (TOML).\n"
            "# Relative paths resolve against the folder of this file. Any key can be\n"
            "# overridden for one run with `skrynka -o section.key=value`; arrays are\n"
            "# given comma-separated there.\n\n";

    text += fmt::format("[server]\n"
                        "# Host name given in protocol greetings and in the TLS certificate.\n"
                        "hostname = \"{}\"\n"
                        "# Domains whose mail this server accepts. Every account address and\n"
                        "# alias uses one of them.\n"
                        "domains = {}\n"
                        "# Folder containing directory.db, mailboxes/ and keys/. The default\n"
                        "# is the folder of this file.\n"
                        "state_dir = \".\"\n"
                        "# Unprivileged user and group that serve switches to after opening\n"
                        "# its ports, keys and databases, when started as root (the group\n"
                        "# defaults to the user's primary group). The user must own state_dir.\n"
                        "# Started as root, serve refuses to run while user is unset; \"root\"\n"
                        "# keeps root, which only suits a throwaway test instance.\n"
                        "{}"
                        "# group = \"skrynka\"\n\n",
                        values.hostname, quoted_list(values.domains),
                        values.user.empty() ? std::string("# user = \"skrynka\"\n")
                                            : fmt::format("user = \"{}\"\n", values.user));

    text += "[tls]\n"
            "# PEM certificate chain and private key. `skrynka init` writes a self-signed\n"
            "# pair; point these at an ACME client's output to replace it.\n"
            "certificate = \"tls/certificate.pem\"\n"
            "private_key = \"tls/private_key.pem\"\n\n";

    text += "# Listeners: arrays of \"host:port\" with an IP address, IPv6 in brackets\n"
            "# (\"[::]:25\"). An empty array disables the listener.\n\n";
    text += fmt::format("[smtp]\n"
                        "# Mail from other servers, with STARTTLS.\n"
                        "listen = {}\n\n",
                        listen_list(values.dev, 2525, 25));
    text += fmt::format("[submission]\n"
                        "# Mail from your own clients: STARTTLS and implicit TLS (RFC 8314).\n"
                        "listen = {}\n"
                        "listen_tls = {}\n"
                        "# Whether the Received field of sent mail names your client's EHLO\n"
                        "# name and IP address, which tell every recipient where you were:\n"
                        "# hide or show.\n"
                        "# received_client = \"hide\"\n\n",
                        listen_list(values.dev, 2587, 587), listen_list(values.dev, 2465, 465));
    text += fmt::format("[imap]\n"
                        "listen = {}\n"
                        "listen_tls = {}\n\n",
                        listen_list(values.dev, 2143, 143), listen_list(values.dev, 2993, 993));
    text += fmt::format("[pop3]\n"
                        "listen = {}\n"
                        "listen_tls = {}\n\n",
                        listen_list(values.dev, 2110, 110), listen_list(values.dev, 2995, 995));
    text += "[admin]\n"
            "# Admin HTTP endpoint (health, metrics). Keep it on loopback.\n"
            "listen = [\"127.0.0.1:8025\"]\n"
            "# HTTPS with the [tls] certificate, for access from another machine.\n"
            "listen_tls = []\n\n";

    text += limits_section() + "\n";

    text += "[log]\n"
            "# One of trace, debug, info, warn, error, critical, off.\n"
            "level = \"info\"\n";
    return text;
}

} // namespace skrynka::app::config
