// Process-wide protections of `skrynka serve`: no core dumps, locked secret memory, and
// the switch from root to an unprivileged user once the privileged set-up is done.
#pragma once

#include "src/config/settings.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace skrynka::app::cli {

// Secrets live in sodium_malloc memory, which libsodium locks page by page (at least one
// 4 KiB page per secret) and silently leaves unlocked when RLIMIT_MEMLOCK is used up.
// Below this limit serve warns. NOTE: an estimate (about 1000 secrets held at once, that
// is unlocked account keys of sessions and of the key cache), not a measured peak.
inline constexpr std::uint64_t min_memory_lock_bytes = 4 * 1024 * 1024;

// Turns core dumps off (RLIMIT_CORE 0) and marks the process not dumpable
// (PR_SET_DUMPABLE 0), which also keeps other processes of the same user from attaching
// with ptrace or reading its memory through /proc. Throws cli_error when a call fails.
void disable_core_dumps();

// Raises the soft RLIMIT_MEMLOCK to the hard limit, then logs event=memory_lock_limit_low
// as a warning when the limit is below min_memory_lock_bytes and the process cannot lock
// more than that without it (no CAP_IPC_LOCK, which root has until it drops privileges).
void check_memory_lock_limit();

// Returns why serve cannot run as the current user: started as root with server.user
// unset. serve and check call it before anything else, and drop_privileges throws it.
std::optional<std::string> serving_user_problem(const config::server_settings& server);

// Switches a process started as root to server.user and server.group (the user's primary
// group when empty), in the order that leaves no way back: supplementary groups, then the
// group ID, then the user ID. Then verifies that the process has exactly those IDs, no
// supplementary groups, and cannot become root again. Logs event=privileges_dropped.
//
// Does nothing when the process is not root. Keeps root, with a warning, only when
// server.user names a user with ID 0, as `init --dev` run by root writes. Throws
// cli_error, naming the step and what to fix, when server.user is empty, the user or
// group does not exist, server.state_dir is not owned by the user (the server creates
// files there), or any step fails.
void drop_privileges(const config::server_settings& server);

} // namespace skrynka::app::cli
