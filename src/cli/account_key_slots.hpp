// Key slot helpers for the user commands: the shared slot rules from src/auth, and the
// check on app password names that only the command line needs.
#pragma once

#include "src/auth/account_key_slots.hpp"

#include <string_view>

namespace skrynka::app::cli {

using auth::app_password_name;
using auth::app_password_slot_label;
using auth::find_slot;
using auth::login_slot_label;
using auth::open_slot;
using auth::recovery_slot_label;
using auth::seal_slot;
using auth::slot_kind_of;
using auth::slot_purpose;

// Throws cli_error unless name is 1 to 64 characters of letters, digits, '.', '_' and
// '-', so that it reads well in lists and logs.
void check_app_password_name(std::string_view name);

} // namespace skrynka::app::cli
