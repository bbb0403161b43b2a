#include "src/cli/serve_command.hpp"

#include "src/cli/audit_trail.hpp"
#include "src/cli/audit_upkeep.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/process_privileges.hpp"
#include "src/cli/serve_instance_guard.hpp"
#include "src/logging/logging.hpp"
#include "src/server/imap_service.hpp"
#include "src/server/pop3_service.hpp"
#include "src/server/server_context.hpp"
#include "src/server/smtp_service.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <spdlog/spdlog.h>
#include <thread>
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
    serve_instance_guard guard(opened.paths);
    const config::settings& settings = opened.settings;
    logging::setup_logging(settings.log_level);
    const std::size_t account_count = opened.directory.list_accounts().size();
    server::server_context context(settings, std::move(opened.directory));

    // The audit log shares the directory's connection, which now belongs to the context.
    storage::audit_log audit = open_audit_log(context.directory(), settings);
    record_system_event(audit, storage::audit_event::config_load, "file=" + settings.file.string());

    // NOTE: IMAP sessions use the directory connection from I/O threads, SMTP from the
    // context's directory executor and POP3 from its own. SQLite serializes the calls on
    // one connection. The audit log opens transactions, so every audit write (POP3
    // records and the upkeep timer) happens on the POP3 server's one I/O thread.
    server::imap_server imap(context.io(), settings, context.directory(), context.tls());
    server::pop3_server pop3(settings, context.directory(), audit);
    audit_upkeep upkeep(
        pop3.io(), audit,
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
        boost::asio::post(pop3.io(), [&upkeep, &pop3] {
            upkeep.stop();
            pop3.stop();
        });
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
            // TODO: reload the [limits] policies too; the services hold the settings by
            // reference, so that needs a settings snapshot they re-read per session.
            boost::asio::post(pop3.io(), [&audit, outcome] {
                record_system_event(audit, storage::audit_event::config_load,
                                    "signal=SIGHUP certificate=" + outcome);
            });
            reload_signals.async_wait(reload);
        };
    reload_signals.async_wait(reload);

    record_system_event(audit, storage::audit_event::server_start,
                        fmt::format("version={} pid={}", SKRYNKA_VERSION, ::getpid()));
    upkeep.start();

    // Listeners are bound before event=start, so a client may connect once it is logged.
    server::start_smtp_service(context);
    imap.start();
    pop3.start();
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

    // TODO: move POP3 onto the shared server context, as SMTP is; it still runs its own
    // I/O thread and blocking pool.
    std::thread pop3_thread([&pop3] { pop3.io().run(); });
    context.run();
    pop3_thread.join();
    // Sessions may still have directory reads queued; they finish before the last records.
    pop3.join();

    record_system_event(audit, storage::audit_event::server_stop,
                        fmt::format("signal={}", signal_name(received_signal)));
    audit.checkpoint(storage::audit_checkpoint_kind::shutdown);
    spdlog::info("event=stop reason=signal signal={}", signal_name(received_signal));
    return guard.directory_database_intact() ? 0 : 1;
}

} // namespace

void add_serve_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* command = app.add_subcommand("serve", "Run the mail server until SIGTERM or SIGINT");
    command->callback([&globals, &action] { action = [&globals] { return run_serve(globals); }; });
}

} // namespace skrynka::app::cli
