#include "src/cli/serve_command.hpp"

#include "src/cli/instance.hpp"
#include "src/logging/logging.hpp"
#include "src/server/server_context.hpp"
#include "src/server/smtp_service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
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

    const std::size_t account_count = opened.directory.list_accounts().size();
    server::server_context context(settings, std::move(opened.directory));

    // The signal set is armed before event=start is logged, so a supervisor that sends
    // SIGTERM as soon as it reads that line cannot kill the process before the handler runs.
    boost::asio::signal_set signals(context.io(), SIGTERM, SIGINT);
    int received_signal = 0;
    signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (!error) {
            received_signal = signal_number;
            context.stop();
        }
    });
    boost::asio::signal_set reload_signals(context.io(), SIGHUP);
    std::function<void(const boost::system::error_code&, int)> reload =
        [&](const boost::system::error_code& error, int) {
            if (error) {
                return;
            }
            // reload() logs event=tls_reloaded, or the failure and keeps the old certificate.
            if (context.tls() != nullptr) {
                context.tls()->reload();
            }
            reload_signals.async_wait(reload);
        };
    reload_signals.async_wait(reload);

    // Listeners are bound before event=start, so a client may connect once it is logged.
    server::start_smtp_service(context);
    spdlog::info("event=start version={} pid={} config={} state_dir={} hostname={} domains={} "
                 "accounts={}",
                 SKRYNKA_VERSION, ::getpid(), logging::log_value(settings.file.string()),
                 logging::log_value(settings.server.state_dir.string()),
                 logging::log_value(settings.server.hostname),
                 logging::log_value(fmt::format("{}", fmt::join(settings.server.domains, ","))),
                 account_count);

    context.run();

    spdlog::info("event=stop reason=signal signal={}", signal_name(received_signal));
    return 0;
}

} // namespace

void add_serve_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* command = app.add_subcommand("serve", "Run the mail server until SIGTERM or SIGINT");
    command->callback([&globals, &action] { action = [&globals] { return run_serve(globals); }; });
}

} // namespace skrynka::app::cli
