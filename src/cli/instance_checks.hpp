// The checks behind `skrynka check`, one function per concern. Each returns the problems
// it found as one-line messages (empty when all is well) and never throws for a problem
// in the instance, so one run reports all of them.
#pragma once

#include "src/config/listen_address.hpp"
#include "src/config/settings.hpp"

#include <string>
#include <vector>

namespace skrynka::app::cli {

// One listener of the config: the config key it came from and its address.
struct configured_listener {
    std::string key; // "imap.listen_tls"
    config::listen_address address;
    bool implicit_tls = false;
};

// Returns every listener of settings, in config order.
std::vector<configured_listener> configured_listeners(const config::listen_settings& listen);

// Checks that the certificate chain and private key load, match, that the leaf
// certificate is valid now and names hostname. No TLS files configured is no problem.
std::vector<std::string> check_certificate(const config::settings& settings);

// Checks that hostname resolves through the system resolver (/etc/hosts, DNS).
std::vector<std::string> check_hostname(const std::string& hostname);

// Checks that each address is listed once and can be bound now: the port is free and
// this process may bind it. Binds and closes a socket per address.
std::vector<std::string> check_listeners(const std::vector<configured_listener>& listeners);

} // namespace skrynka::app::cli
