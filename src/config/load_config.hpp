// Loads the TOML config file of an instance and applies -o overrides on top.
#pragma once

#include "src/config/config_error.hpp"
#include "src/config/settings.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace skrynka::app::config {

// Reads file, then applies each override ("section.key=value") in order, then checks
// every value and the rules between values. Relative paths in the file resolve against
// the file's folder; relative paths in overrides resolve against the current directory.
// server.state_dir defaults to the file's folder.
//
// Throws config_error when the file cannot be read, is not TOML, has an unknown section
// or key, a value of the wrong type or out of range, lacks a required key, or when an
// override is not section.key=value. Its problems() has one line per problem found, each
// starting with where the bad value came from ("skrynka.toml:12: " or
// "-o limits.argon2_ops=0: ") and naming the key.
settings load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides);

} // namespace skrynka::app::config
