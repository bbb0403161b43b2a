#include "src/server/account_wipe_in_server.hpp"

#include "src/config/instance_paths.hpp"
#include "storage/key_file.hpp"

#include <spdlog/spdlog.h>

namespace skrynka::app::server {

namespace {

// Reopens the account's logins when the wipe ends either way. A finished wipe left no
// account to log in to; an unfinished one left it disabled.
class closed_account {
  public:
    closed_account(account_sessions& sessions, storage::account_id account)
        : sessions_(sessions), account_(account), ended_(sessions.close_account(account)) {}
    ~closed_account() { sessions_.reopen_account(account_); }
    closed_account(const closed_account&) = delete;
    closed_account& operator=(const closed_account&) = delete;

    std::size_t sessions_ended() const noexcept { return ended_; }

  private:
    account_sessions& sessions_;
    storage::account_id account_;
    std::size_t ended_;
};

} // namespace

std::optional<server_wipe_result> wipe_account_in_server(server_context& context,
                                                         std::string_view address) {
    const std::optional<storage::wipe_target> target =
        storage::find_wipe_target(context.directory().db(), address);
    if (!target) {
        return std::nullopt;
    }
    const closed_account closed(context.sessions(), target->account_id);
    context.mailboxes().forget(target->account_id);
    context.unlocker().cache().evict(target->account_id);
    spdlog::info("event=wipe_started user={} account_id={} sessions_ended={}", target->account,
                 target->account_id, closed.sessions_ended());

    const config::settings& settings = context.settings();
    const crypto::secret_bytes storage_key = storage::read_storage_key(
        config::instance_paths::under(settings.server.state_dir).storage_key);
    server_wipe_result result;
    result.sessions_ended = closed.sessions_ended();
    result.wipe = context.audit().run_and_wait([&](storage::audit_log& log) {
        return storage::wipe_account(log, settings.server.state_dir, storage_key, *target);
    });
    return result;
}

} // namespace skrynka::app::server
