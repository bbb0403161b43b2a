// The secure wipe of an account while `skrynka serve` runs, for the admin endpoint. The
// wipe steps are storage::wipe_account's, the same as `skrynka wipe` runs; before them,
// the server lets go of everything it holds of the account.
#pragma once

#include "src/server/server_context.hpp"
#include "storage/account_wipe.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace skrynka::app::server {

struct server_wipe_result {
    storage::wipe_result wipe;
    std::size_t sessions_ended = 0;
};

// Wipes the account whose primary address is address, or finishes its wipe when one was
// cut short. In order: refuses new logins of the account and asks its IMAP, POP3 and
// submission sessions to end, drops its open mailbox database and its unlocked key from
// the caches, then runs the wipe steps on the audit writer's connection, so no audit
// append writes directory.db while the wipe scans it. New logins fail until the account
// is gone from the directory. Returns nullopt when there is neither an account nor a
// pending wipe with that address.
//
// Call it on the directory executor, which it keeps busy for the whole wipe, so no other
// directory call runs meanwhile. Throws what storage::wipe_account throws; the wipe then
// stays pending and the next call, or the next start of the server, finishes it.
std::optional<server_wipe_result> wipe_account_in_server(server_context& context,
                                                         std::string_view address);

} // namespace skrynka::app::server
