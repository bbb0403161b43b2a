// The config schema: every key the config file and -o accept, the TOML type it takes,
// and how its value is checked and stored into settings.
#pragma once

#include "src/config/settings.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace skrynka::app::config {

enum class value_kind { integer, string, string_array };

// A value after its TOML (or -o) type check, before its key-specific check.
using raw_value = std::variant<std::int64_t, std::string, std::vector<std::string>>;

struct config_key {
    std::string section;
    std::string name;
    value_kind kind;
    bool required;

    // Checks value and stores it into target. Relative paths resolve against base_dir.
    // Returns nothing on success, else the reason the value is invalid.
    std::function<std::optional<std::string>(settings& target, const raw_value& value,
                                             const std::filesystem::path& base_dir)>
        store;

    // Returns "section.name".
    std::string full_name() const { return section + "." + name; }
};

// Returns every key, sections in file order: server, tls, smtp, submission, imap, pop3,
// admin, limits, log. The [limits] keys come from the policies limit registry.
std::span<const config_key> all_config_keys();

// Returns the key, or nullptr when the schema has none by that name.
const config_key* find_config_key(std::string_view section, std::string_view name);

// Returns true when section names a section of the schema.
bool is_config_section(std::string_view section);

// Returns the kind's name as an error message uses it: "an integer", "a string",
// "an array of strings".
std::string_view describe_kind(value_kind kind);

} // namespace skrynka::app::config
