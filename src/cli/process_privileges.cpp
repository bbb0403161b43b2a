#include "src/cli/process_privileges.hpp"

#include "src/cli/cli_error.hpp"
#include "src/logging/logging.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace skrynka::app::cli {

namespace {

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

struct target_ids {
    uid_t uid = 0;
    gid_t gid = 0;
};

// getpwnam_r and getgrnam_r need a caller buffer; this size fits any normal entry.
constexpr std::size_t account_buffer_bytes = 16 * 1024;

target_ids look_up_target(const config::server_settings& server) {
    std::vector<char> buffer(account_buffer_bytes);
    passwd user_entry{};
    passwd* user = nullptr;
    const int user_error =
        ::getpwnam_r(server.user.c_str(), &user_entry, buffer.data(), buffer.size(), &user);
    if (user == nullptr) {
        throw cli_error(fmt::format(
            "server.user '{}': {}; create it (scripts/install does) or name another user",
            server.user, user_error == 0 ? "no such user" : errno_text(user_error)));
    }
    target_ids ids{user->pw_uid, user->pw_gid};
    if (server.group.empty()) {
        return ids;
    }

    group group_entry{};
    group* found = nullptr;
    const int group_error =
        ::getgrnam_r(server.group.c_str(), &group_entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) {
        throw cli_error(fmt::format("server.group '{}': {}", server.group,
                                    group_error == 0 ? "no such group" : errno_text(group_error)));
    }
    ids.gid = found->gr_gid;
    if (ids.gid == 0) {
        throw cli_error(fmt::format("server.group '{}' has group ID 0; name an unprivileged group",
                                    server.group));
    }
    return ids;
}

// The server creates mailbox databases and their journals in the state folder after the
// switch, so the folder must belong to the user it runs as.
void require_state_dir_owner(const config::server_settings& server, uid_t uid) {
    struct stat status {};
    if (::stat(server.state_dir.c_str(), &status) != 0) {
        throw cli_error(fmt::format("failed to inspect server.state_dir {}: {}",
                                    server.state_dir.string(), errno_text(errno)));
    }
    if (status.st_uid != uid) {
        throw cli_error(fmt::format(
            "server.state_dir {} is owned by user ID {}, not by server.user '{}' (user ID {}); "
            "run: chown -R {} {}",
            server.state_dir.string(), status.st_uid, server.user, uid, server.user,
            server.state_dir.string()));
    }
}

void require_success(int result, std::string_view step) {
    if (result != 0) {
        throw cli_error(fmt::format("failed to drop privileges: {} failed: {}", step,
                                    errno_text(errno)));
    }
}

void verify_dropped(const target_ids& ids) {
    uid_t real_uid = 0, effective_uid = 0, saved_uid = 0;
    gid_t real_gid = 0, effective_gid = 0, saved_gid = 0;
    require_success(::getresuid(&real_uid, &effective_uid, &saved_uid), "getresuid");
    require_success(::getresgid(&real_gid, &effective_gid, &saved_gid), "getresgid");
    if (real_uid != ids.uid || effective_uid != ids.uid || saved_uid != ids.uid ||
        real_gid != ids.gid || effective_gid != ids.gid || saved_gid != ids.gid) {
        throw cli_error("failed to drop privileges: the user or group IDs did not all change");
    }
    if (::getgroups(0, nullptr) != 0) {
        throw cli_error("failed to drop privileges: supplementary groups remain");
    }
    // setuid(0) must fail now. If it succeeds, something (a capability, a security module
    // rule) still lets the process become root, and serving would be unsafe.
    if (::setuid(0) == 0 || ::setgid(0) == 0) {
        throw cli_error("failed to drop privileges: the process could become root again");
    }
}

} // namespace

void disable_core_dumps() {
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0) {
        throw cli_error(fmt::format("failed to set RLIMIT_CORE to 0: {}", errno_text(errno)));
    }
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        throw cli_error(fmt::format("failed to clear PR_SET_DUMPABLE: {}", errno_text(errno)));
    }
}

void check_memory_lock_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_MEMLOCK, &limit) != 0) {
        spdlog::warn("event=memory_lock_limit_unknown error={}",
                     logging::log_value(errno_text(errno)));
        return;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_MEMLOCK, &limit) != 0) {
            ::getrlimit(RLIMIT_MEMLOCK, &limit);
        }
    }
    // Root locks memory through CAP_IPC_LOCK, without limit; the warning matters for the
    // user that serves (systemd's User= or server.user).
    if (::geteuid() == 0 || limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur >= min_memory_lock_bytes) {
        return;
    }
    spdlog::warn("event=memory_lock_limit_low limit_bytes={} needed_bytes={} "
                 "effect=\"secrets beyond the limit may be swapped to disk\" "
                 "fix=\"raise RLIMIT_MEMLOCK (LimitMEMLOCK= in the systemd unit, ulimit -l)\"",
                 limit.rlim_cur, min_memory_lock_bytes);
}

std::optional<std::string> serving_user_problem(const config::server_settings& server) {
    if (::geteuid() != 0 || !server.user.empty()) {
        return std::nullopt;
    }
    return "serve started as root needs server.user: set it to the unprivileged user that "
           "owns server.state_dir (scripts/install creates 'skrynka'), or to \"root\" for a "
           "throwaway test instance";
}

void drop_privileges(const config::server_settings& server) {
    if (::geteuid() != 0) {
        return;
    }
    if (auto problem = serving_user_problem(server)) {
        throw cli_error(*problem);
    }

    const target_ids ids = look_up_target(server);
    if (ids.uid == 0) {
        // Named on purpose: a development or test instance created by root.
        spdlog::warn("event=privileges_kept user={} reason=\"server.user has user ID 0\"",
                     logging::log_value(server.user));
        return;
    }
    require_state_dir_owner(server, ids.uid);

    // serve created its lock file as root just before; the next start, perhaps under
    // systemd as this user, must be able to open it.
    const auto lock_file = server.state_dir / "serve.lock";
    if (::chown(lock_file.c_str(), ids.uid, ids.gid) != 0 && errno != ENOENT) {
        throw cli_error(fmt::format("failed to give {} to server.user '{}': {}",
                                    lock_file.string(), server.user, errno_text(errno)));
    }

    // Supplementary groups first and the user ID last: once the user ID changes, the
    // process no longer may change its groups.
    require_success(::setgroups(0, nullptr), "setgroups");
    require_success(::setgid(ids.gid), "setgid");
    require_success(::setuid(ids.uid), "setuid");
    verify_dropped(ids);

    // A change of credentials resets the dumpable flag to the system default.
    disable_core_dumps();
    spdlog::info("event=privileges_dropped user={} uid={} gid={}",
                 logging::log_value(server.user), ids.uid, ids.gid);
}

} // namespace skrynka::app::cli
