#include "src/cli/serve_command.hpp"

#include "src/admin/admin_service.hpp"
#include "src/admin/admin_store.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/audit_upkeep.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/config_reload.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/process_privileges.hpp"
#include "src/cli/serve_instance_guard.hpp"
#include "src/cli/wipe_command.hpp"
#include "src/logging/logging.hpp"
#include "src/server/account_wipe_in_server.hpp"
#include "src/server/imap_service.hpp"
#include "src/server/pop3_service.hpp"
#include "src/server/server_context.hpp"
#include "src/server/smtp_service.hpp"
#include "src/server/submission_service.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <memory>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

std::string_view signal_name(int signal_number) {
    switch (signal_number) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    }
    return "unknown";
}

int run_serve(const global_options& globals) {
    // Before the storage key is read, so no secret can end up in a core file.
    disable_core_dumps();
    instance opened = open_instance(globals);
    if (auto problem = serving_user_problem(opened.settings.server)) {
        throw cli_error(*problem);
    }
    serve_instance_guard guard(opened.paths);
    const config::settings& settings = opened.settings;
    logging::setup_logging(settings.log_level);
    const std::size_t account_count = opened.directory.list_accounts().size();

    // The audit writer has a connection and a thread of its own, so any session may append.
    // Declared before the context, whose sessions refer to it, so it is destroyed after.
    const std::unique_ptr<storage::audit_writer> audit = open_audit_writer(opened);
    // A wipe cut short by a crash finishes before any session can reach the account.
    finish_pending_wipes(*audit, opened.paths, settings.server.state_dir);
    server::server_context context(settings, std::move(opened.directory), *audit);
    record_system_event(*audit, storage::audit_event::config_load,
                        "file=" + settings.file.string());

    // Every use of the directory connection runs on the context's directory executor:
    // sessions post their reads there, and so does the admin endpoint.
    server::imap_server imap(context);
    // The admin endpoint creates and deletes accounts in directory transactions that hold
    // their own audit records, so it keeps an audit log on the directory connection (the
    // chain stays whole: every append reads the head inside BEGIN IMMEDIATE).
    // NOTE: an account created over the API runs Argon2id inside its transaction, so the
    // directory executor is busy for about a second per key slot meanwhile.
    storage::audit_log admin_audit = open_audit_log(context.directory(), settings);
    // DELETE /api/accounts/{address} wipes inside the server, which ends the account's
    // sessions first; the admin store runs it on the directory executor.
    admin::admin_store admin_store(context.directory(), admin_audit, settings,
                                   [&context](std::string_view address) {
                                       return server::wipe_account_in_server(context, address);
                                   });
    audit_upkeep upkeep(
        context.io().get_executor(), *audit,
        std::chrono::seconds(std::min<std::int64_t>(60, settings.limits.audit_checkpoint_seconds)),
        settings.limits.audit_retention_days);

    // The signal set is armed before event=start is logged, so a supervisor that sends
    // SIGTERM as soon as it reads that line cannot kill the process before the handler runs.
    boost::asio::signal_set signals(context.io(), SIGTERM, SIGINT);
    int received_signal = 0;
    signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (error) {
            return;
        }
        received_signal = signal_number;
        // Sessions still running are cut off: every acknowledged write is already durable.
        // POP3 sessions end without the UPDATE state, so they delete nothing.
        imap.stop();
        upkeep.stop();
        context.stop();
    });
    boost::asio::signal_set reload_signals(context.io(), SIGHUP);
    std::function<void(const boost::system::error_code&, int)> reload =
        [&](const boost::system::error_code& error, int) {
            if (error) {
                return;
            }
            // reload() logs event=tls_reloaded, or the failure and keeps the old certificate.
            // Sessions keep the TLS context they started with, so none is dropped.
            std::string outcome = "none_configured";
            if (context.tls() != nullptr) {
                outcome = context.tls()->reload() ? "reloaded" : "kept_previous";
            }
            // Sessions keep the limits they were accepted with; a file that does not load
            // changes nothing.
            const reload_result config = reload_config(globals, context);
            const std::string detail =
                fmt::format("signal=SIGHUP certificate={} {}", outcome, config.detail);
            const storage::audit_outcome audit_outcome =
                config.loaded ? storage::audit_outcome::success : storage::audit_outcome::failure;
            // The record waits for an fsync, so it is written from the blocking pool.
            boost::asio::post(context.blocking_pool(), [&writer = *audit, detail, audit_outcome] {
                try {
                    record_system_event(writer, storage::audit_event::config_load, detail,
                                        audit_outcome);
                } catch (const std::exception& error) {
                    spdlog::error("event=audit_failed what=reload error={}",
                                  logging::log_value(error.what()));
                }
            });
            reload_signals.async_wait(reload);
        };
    reload_signals.async_wait(reload);

    record_system_event(*audit, storage::audit_event::server_start,
                        fmt::format("version={} pid={}", SKRYNKA_VERSION, ::getpid()));
    upkeep.start();

    // Listeners are bound before event=start, so a client may connect once it is logged.
    server::start_smtp_service(context);
    server::start_submission_service(context);
    imap.start();
    server::start_pop3_service(context);
    admin::start_admin_service(context, admin_store, context.directory_executor().get_strand());
    // Ports, keys, certificates and the directory are open: root is no longer needed, and
    // no session has been accepted yet, because no I/O thread runs.
    drop_privileges(settings.server);
    check_memory_lock_limit();
    spdlog::info("event=start version={} pid={} config={} state_dir={} hostname={} domains={} "
                 "accounts={}",
                 SKRYNKA_VERSION, ::getpid(), logging::log_value(settings.file.string()),
                 logging::log_value(settings.server.state_dir.string()),
                 logging::log_value(settings.server.hostname),
                 logging::log_value(fmt::format("{}", fmt::join(settings.server.domains, ","))),
                 account_count);

    // run() returns once the directory executor has finished the calls queued on it, so
    // the last records below are written after every session's.
    context.run();

    // The writer runs calls in order, so every record a session queued is durable before
    // these two, and the shutdown checkpoint signs them all.
    record_system_event(*audit, storage::audit_event::server_stop,
                        fmt::format("signal={}", signal_name(received_signal)));
    audit->run_and_wait([](storage::audit_log& log) {
        return log.checkpoint(storage::audit_checkpoint_kind::shutdown);
    });
    spdlog::info("event=stop reason=signal signal={}", signal_name(received_signal));
    return guard.directory_database_intact() ? 0 : 1;
}

} // namespace

void add_serve_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* command = app.add_subcommand(
        "serve", "Run the mail server until SIGTERM or SIGINT. SIGHUP reloads the TLS "
                 "certificate and the [limits] of the config file for new sessions");
    command->callback([&globals, &action] { action = [&globals] { return run_serve(globals); }; });
}

} // namespace skrynka::app::cli
