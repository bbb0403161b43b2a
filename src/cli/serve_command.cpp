#include "src/cli/serve_command.hpp"

#include "src/cli/audit_trail.hpp"
#include "src/cli/audit_upkeep.hpp"
#include "src/cli/instance.hpp"
#include "src/logging/logging.hpp"
#include "src/net/tls_context.hpp"
#include "src/server/imap_service.hpp"
#include "src/server/pop3_service.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fmt/ranges.h>
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
    instance opened = open_instance(globals);
    const config::settings& settings = opened.settings;
    logging::setup_logging(settings.log_level);
    storage::audit_log audit = open_audit_log(opened);
    record_system_event(audit, storage::audit_event::config_load, "file=" + settings.file.string());

    server::pop3_server pop3(settings, opened.directory, audit);
    boost::asio::io_context& io_context = pop3.io();

    // The signal set is armed before event=start is logged, so a supervisor that sends
    // SIGTERM as soon as it reads that line cannot kill the process before the handler runs.
    boost::asio::signal_set signals(io_context, SIGTERM, SIGINT);
    int received_signal = 0;
    std::unique_ptr<net::tls_context_store> tls;
    if (!settings.tls.certificate.empty()) {
        tls = std::make_unique<net::tls_context_store>(settings.tls.certificate,
                                                       settings.tls.private_key);
    }
    server::imap_server imap(io_context, settings, opened.directory, tls.get());
    audit_upkeep upkeep(
        io_context, audit,
        std::chrono::seconds(std::min<std::int64_t>(60, settings.limits.audit_checkpoint_seconds)),
        settings.limits.audit_retention_days);
    signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (!error) {
            received_signal = signal_number;
            pop3.stop();
        }
        // Sessions still running are cut off: every acknowledged write is already durable.
        imap.stop();
        upkeep.stop();
        io_context.stop();
    });

    record_system_event(audit, storage::audit_event::server_start,
                        fmt::format("version={} pid={}", SKRYNKA_VERSION, ::getpid()));
    upkeep.start();

    // Counted before the listeners start, since the directory is used only on its
    // executor once sessions run.
    const std::size_t accounts = opened.directory.list_accounts().size();
    pop3.start();
    spdlog::info("event=start version={} pid={} config={} state_dir={} hostname={} domains={} "
                 "accounts={}",
                 SKRYNKA_VERSION, ::getpid(), logging::log_value(settings.file.string()),
                 logging::log_value(settings.server.state_dir.string()),
                 logging::log_value(settings.server.hostname),
                 logging::log_value(fmt::format("{}", fmt::join(settings.server.domains, ","))),
                 accounts);

    imap.start();
    // TODO: start the SMTP and submission listeners here.
    io_context.run();
    // Sessions may still have directory reads queued; they finish before the last records.
    pop3.join();

    record_system_event(audit, storage::audit_event::server_stop,
                        fmt::format("signal={}", signal_name(received_signal)));
    audit.checkpoint(storage::audit_checkpoint_kind::shutdown);
    spdlog::info("event=stop reason=signal signal={}", signal_name(received_signal));
    return 0;
}

} // namespace

void add_serve_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* command = app.add_subcommand("serve", "Run the mail server until SIGTERM or SIGINT");
    command->callback([&globals, &action] { action = [&globals] { return run_serve(globals); }; });
}

} // namespace skrynka::app::cli
