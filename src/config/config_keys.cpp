#include "src/config/config_keys.hpp"

#include "policies/address.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>

namespace skrynka::app::config {

namespace {

using store_result = std::optional<std::string>;

std::filesystem::path resolve_path(const std::string& text, const std::filesystem::path& base_dir) {
    std::filesystem::path path(text);
    if (path.is_relative()) {
        path = base_dir / path;
    }
    // "." and "dir/" would otherwise keep a trailing separator ("/srv/mail/").
    path = path.lexically_normal();
    if (!path.has_filename() && path.has_relative_path()) {
        path = path.parent_path();
    }
    return path;
}

config_key hostname_key() {
    return {
        "server", "hostname", value_kind::string, true,
        [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
            std::error_code error;
            auto hostname = policies::parse_domain(std::get<std::string>(value), error);
            if (!hostname) {
                return fmt::format("'{}' is not a valid host name: {}",
                                   std::get<std::string>(value), error.message());
            }
            target.server.hostname = std::move(*hostname);
            return std::nullopt;
        }};
}

config_key domains_key() {
    return {
        "server", "domains", value_kind::string_array, true,
        [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
            const auto& texts = std::get<std::vector<std::string>>(value);
            if (texts.empty()) {
                return std::string("the list is empty: name at least one domain");
            }
            std::vector<std::string> domains;
            for (const std::string& text : texts) {
                std::error_code error;
                auto domain = policies::parse_domain(text, error);
                if (!domain) {
                    return fmt::format("'{}' is not a valid domain: {}", text, error.message());
                }
                if (std::find(domains.begin(), domains.end(), *domain) != domains.end()) {
                    return fmt::format("'{}' is listed twice", text);
                }
                domains.push_back(std::move(*domain));
            }
            target.server.domains = std::move(domains);
            return std::nullopt;
        }};
}

config_key state_dir_key() {
    return {"server", "state_dir", value_kind::string, false,
            [](settings& target, const raw_value& value,
               const std::filesystem::path& base_dir) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (text.empty()) {
                    return std::string("the path is empty");
                }
                target.server.state_dir = resolve_path(text, base_dir);
                return std::nullopt;
            }};
}

// A user or group name as useradd(8) and groupadd(8) accept them by default, so that a
// typo shows when the config loads instead of when serve switches users.
bool is_account_name(std::string_view text) {
    if (text.empty() || text.size() > 32 || text.front() == '-') {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    });
}

config_key account_name_key(std::string name, std::string server_settings::*member) {
    return {"server", std::move(name), value_kind::string, false,
            [member](settings& target, const raw_value& value,
                     const std::filesystem::path&) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (!is_account_name(text)) {
                    return fmt::format("'{}' is not a valid user or group name: use 1 to 32 "
                                       "letters, digits, '_', '-' or '.', not starting with '-'",
                                       text);
                }
                target.server.*member = text;
                return std::nullopt;
            }};
}

config_key tls_file_key(std::string name, std::filesystem::path tls_settings::*member) {
    return {"tls", std::move(name), value_kind::string, false,
            [member](settings& target, const raw_value& value,
                     const std::filesystem::path& base_dir) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (text.empty()) {
                    return std::string("the path is empty");
                }
                target.tls.*member = resolve_path(text, base_dir);
                return std::nullopt;
            }};
}

config_key delivery_path_key(std::string name, std::filesystem::path delivery_settings::*member) {
    return {"delivery", std::move(name), value_kind::string, false,
            [member](settings& target, const raw_value& value,
                     const std::filesystem::path& base_dir) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (text.empty()) {
                    return std::string("the path is empty");
                }
                target.delivery.*member = resolve_path(text, base_dir);
                return std::nullopt;
            }};
}

// "host:port" where host is a name or an IP literal, IPv6 in brackets.
config_key smarthost_key() {
    return {"delivery", "smarthost", value_kind::string, false,
            [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
                const auto& text = std::get<std::string>(value);
                const std::size_t colon = text.rfind(':');
                if (colon == std::string::npos || colon == 0) {
                    return fmt::format("'{}' is not host:port, for example smtp.example.net:587", text);
                }
                std::string host = text.substr(0, colon);
                if (host.front() == '[' && host.back() == ']') {
                    host = host.substr(1, host.size() - 2);
                }
                int port = 0;
                const std::string port_text = text.substr(colon + 1);
                const auto [end, error] =
                    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
                if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
                    port > 65535) {
                    return fmt::format("'{}' has no port from 1 to 65535", text);
                }
                target.delivery.smarthost_host = host;
                target.delivery.smarthost_port = static_cast<std::uint16_t>(port);
                return std::nullopt;
            }};
}

config_key smarthost_username_key() {
    return {"delivery", "smarthost_username", value_kind::string, false,
            [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (text.empty() || text.size() > 255) {
                    return std::string("expected 1 to 255 characters");
                }
                target.delivery.smarthost_username = text;
                return std::nullopt;
            }};
}

config_key listen_key(std::string section, std::string name,
                      std::vector<listen_address> listen_settings::*member) {
    return {std::move(section), std::move(name), value_kind::string_array, false,
            [member](settings& target, const raw_value& value,
                     const std::filesystem::path&) -> store_result {
                std::vector<listen_address> addresses;
                for (const std::string& text : std::get<std::vector<std::string>>(value)) {
                    std::string reason;
                    auto address = parse_listen_address(text, reason);
                    if (!address) {
                        return reason;
                    }
                    if (std::find(addresses.begin(), addresses.end(), *address) !=
                        addresses.end()) {
                        return fmt::format("'{}' is listed twice", text);
                    }
                    addresses.push_back(std::move(*address));
                }
                target.listen.*member = std::move(addresses);
                return std::nullopt;
            }};
}

config_key limit_key(const policies::limit& definition) {
    return {"limits", std::string(definition.name), value_kind::integer, false,
            [&definition](settings& target, const raw_value& value,
                          const std::filesystem::path&) -> store_result {
                std::int64_t number = std::get<std::int64_t>(value);
                if (auto reason = policies::check_limit(definition, number)) {
                    return reason;
                }
                target.limits.*definition.field = number;
                return std::nullopt;
            }};
}

config_key received_client_key() {
    return {"submission", "received_client", value_kind::string, false,
            [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
                const auto& text = std::get<std::string>(value);
                if (text != "hide" && text != "show") {
                    return fmt::format("'{}' is invalid: expected \"hide\" or \"show\"", text);
                }
                target.submission.received_names_client = text == "show";
                return std::nullopt;
            }};
}

constexpr std::array<std::string_view, 7> log_levels{"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};

config_key log_level_key() {
    return {
        "log", "level", value_kind::string, false,
        [](settings& target, const raw_value& value, const std::filesystem::path&) -> store_result {
            const auto& text = std::get<std::string>(value);
            if (std::find(log_levels.begin(), log_levels.end(), text) == log_levels.end()) {
                return fmt::format("'{}' is not a log level: expected one of {}", text,
                                   fmt::join(log_levels, ", "));
            }
            target.log_level = text;
            return std::nullopt;
        }};
}

std::vector<config_key> build_schema() {
    std::vector<config_key> keys;
    keys.push_back(hostname_key());
    keys.push_back(domains_key());
    keys.push_back(state_dir_key());
    keys.push_back(account_name_key("user", &server_settings::user));
    keys.push_back(account_name_key("group", &server_settings::group));
    keys.push_back(tls_file_key("certificate", &tls_settings::certificate));
    keys.push_back(tls_file_key("private_key", &tls_settings::private_key));
    keys.push_back(listen_key("smtp", "listen", &listen_settings::smtp));
    keys.push_back(listen_key("submission", "listen", &listen_settings::submission));
    keys.push_back(listen_key("submission", "listen_tls", &listen_settings::submission_tls));
    keys.push_back(received_client_key());
    keys.push_back(listen_key("imap", "listen", &listen_settings::imap));
    keys.push_back(listen_key("imap", "listen_tls", &listen_settings::imap_tls));
    keys.push_back(listen_key("pop3", "listen", &listen_settings::pop3));
    keys.push_back(listen_key("pop3", "listen_tls", &listen_settings::pop3_tls));
    keys.push_back(listen_key("admin", "listen", &listen_settings::admin));
    keys.push_back(listen_key("admin", "listen_tls", &listen_settings::admin_tls));
    for (const policies::limit& definition : policies::all_limits()) {
        keys.push_back(limit_key(definition));
    }
    keys.push_back(smarthost_key());
    keys.push_back(smarthost_username_key());
    keys.push_back(delivery_path_key("smarthost_password_file", &delivery_settings::smarthost_password_file));
    keys.push_back(delivery_path_key("smarthost_ca_file", &delivery_settings::smarthost_ca_file));
    keys.push_back(log_level_key());
    return keys;
}

const std::vector<config_key>& schema() {
    static const std::vector<config_key> keys = build_schema();
    return keys;
}

} // namespace

std::span<const config_key> all_config_keys() {
    return schema();
}

const config_key* find_config_key(std::string_view section, std::string_view name) {
    for (const config_key& key : schema()) {
        if (key.section == section && key.name == name) {
            return &key;
        }
    }
    return nullptr;
}

bool is_config_section(std::string_view section) {
    const auto& keys = schema();
    return std::any_of(keys.begin(), keys.end(),
                       [&](const config_key& key) { return key.section == section; });
}

std::string_view describe_kind(value_kind kind) {
    switch (kind) {
    case value_kind::integer:
        return "an integer";
    case value_kind::string:
        return "a string";
    case value_kind::string_array:
        return "an array of strings";
    }
    return "a value";
}

} // namespace skrynka::app::config
