// DKIM key generation; see dkim_command.hpp.
#include "src/cli/dkim_command.hpp"

#include "src/cli/cli_error.hpp"
#include "src/cli/instance_files.hpp"
#include "src/config/instance_paths.hpp"
#include "src/delivery/dkim.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace skrynka::app::cli {

namespace {

struct dkim_arguments {
    std::string domain;
    std::string selector;
};

// A selector is one or more DNS labels (RFC 6376 §3.1); skrynka takes letters, digits,
// hyphens and dots, and adds "-rsa" or "-ed25519".
bool is_valid_selector(const std::string& selector) {
    if (selector.empty() || selector.size() > 40 || selector.front() == '.' ||
        selector.back() == '.' || selector.front() == '-') {
        return false;
    }
    return std::all_of(selector.begin(), selector.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.';
    });
}

int generate(const global_options& globals, const dkim_arguments& arguments) {
    const config::settings settings = globals.load_settings();
    const auto& domains = settings.server.domains;
    std::string domain = arguments.domain;
    std::transform(domain.begin(), domain.end(), domain.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(domains.begin(), domains.end(), domain) == domains.end()) {
        throw cli_error(fmt::format("{} is not a domain of this instance; server.domains lists {}",
                                    arguments.domain, fmt::join(domains, ", ")));
    }
    if (!is_valid_selector(arguments.selector)) {
        throw cli_error(fmt::format("invalid selector '{}': use letters, digits, '-' and '.', "
                                    "for example 2026",
                                    arguments.selector));
    }

    const auto paths = config::instance_paths::under(settings.server.state_dir);
    const std::filesystem::path folder = paths.keys_dir / "dkim" / domain;
    make_private_directory(paths.keys_dir / "dkim");
    make_private_directory(folder);
    const std::vector<delivery::generated_dkim_key> keys =
        delivery::generate_dkim_keys(domain, arguments.selector);
    for (const delivery::generated_dkim_key& key : keys) {
        const std::filesystem::path file = folder / (key.selector + ".pem");
        write_new_file(file,
                       std::span(reinterpret_cast<const unsigned char*>(key.private_key_pem.data()),
                                 key.private_key_pem.size()),
                       0600);
        std::cerr << fmt::format("wrote {}\n", file.string());
    }
    std::cerr << "Publish these DNS records, then restart serve to sign mail from " << domain
              << ":\n";
    for (const delivery::generated_dkim_key& key : keys) {
        std::cout << key.dns_record << "\n";
    }
    return 0;
}

} // namespace

void add_dkim_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* dkim = app.add_subcommand("dkim", "Manage DKIM signing keys");
    dkim->require_subcommand(1);
    auto arguments = std::make_shared<dkim_arguments>();
    CLI::App* generate_command = dkim->add_subcommand(
        "generate", "Make an RSA 2048 and an Ed25519 key for DOMAIN and print their DNS records");
    generate_command->add_option("DOMAIN", arguments->domain, "A domain in server.domains")
        ->required();
    generate_command->add_option("SELECTOR", arguments->selector,
                                 "Selector prefix; the keys get SELECTOR-rsa and SELECTOR-ed25519")
        ->required();
    generate_command->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return generate(globals, *arguments); };
    });
}

} // namespace skrynka::app::cli
