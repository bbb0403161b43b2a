// Test-only SMTP server: the real listener, TLS and connection loop with a fixed
// recipient policy and a delivery sink that writes each message to a folder.
// Usage: smtp_test_server PORT CERT_FILE KEY_FILE MAIL_DIR [MESSAGE_SIZE_MAX]
// Port 0 picks a free port. Prints "listening port=N" on stdout once it accepts.
// SKRYNKA_SMTP_TEST_IDLE_SECONDS, when set, replaces the 5-minute idle timeout.
#include "src/net/listener.hpp"
#include "src/net/smtp_connection.hpp"
#include "src/net/tls_context.hpp"
#include "src/smtp/limits.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>
#include <unistd.h>

namespace {

using namespace skrynka;

// Accepts alice@example.org (domain compared without case), reports other
// example.org users as unknown and denies relaying to every other domain.
class test_policy : public smtp::recipient_policy {
  public:
    smtp::recipient_decision check_recipient(const smtp::envelope&,
                                             const smtp::mailbox& recipient) override {
        std::string domain = recipient.domain;
        for (char& c : domain) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (domain != "example.org") {
            return smtp::recipient_decision::relay_denied;
        }
        return recipient.local_part == "alice" ? smtp::recipient_decision::accept
                                               : smtp::recipient_decision::unknown_user;
    }
};

// Writes MAIL_DIR/<queue id>.eml (the message) and <queue id>.env (sender, then one
// recipient per line). Each file is written to a temporary name, synced and renamed.
class folder_sink : public smtp::delivery_sink {
  public:
    explicit folder_sink(std::string directory) : directory_(std::move(directory)) {}

    std::vector<smtp::delivery_status> deliver(const smtp::envelope& transaction,
                                               std::string_view message) override {
        std::string envelope_text = (transaction.sender ? transaction.sender->text() : "") + "\n";
        for (const smtp::mailbox& recipient : transaction.recipients) {
            envelope_text += recipient.text() + "\n";
        }
        const bool stored = write_file(transaction.queue_id + ".env", envelope_text) &&
                            write_file(transaction.queue_id + ".eml", message);
        const auto status =
            stored ? smtp::delivery_status::delivered : smtp::delivery_status::temporary_failure;
        return std::vector<smtp::delivery_status>(transaction.recipients.size(), status);
    }

  private:
    bool write_file(const std::string& name, std::string_view content) {
        const std::string final_path = directory_ + "/" + name;
        const std::string temporary_path = final_path + ".tmp";
        FILE* file = std::fopen(temporary_path.c_str(), "wb");
        if (file == nullptr) {
            spdlog::error("event=store_failed path={}", temporary_path);
            return false;
        }
        const bool written =
            std::fwrite(content.data(), 1, content.size(), file) == content.size() &&
            std::fflush(file) == 0 && fsync(fileno(file)) == 0;
        const bool closed = std::fclose(file) == 0;
        if (!written || !closed || std::rename(temporary_path.c_str(), final_path.c_str()) != 0) {
            spdlog::error("event=store_failed path={}", final_path);
            return false;
        }
        return true;
    }

    std::string directory_;
};

} // namespace

int main(int argc, char** argv) {
    if (argc < 5 || argc > 6) {
        std::cerr
            << "usage: smtp_test_server PORT CERT_FILE KEY_FILE MAIL_DIR [MESSAGE_SIZE_MAX]\n";
        return 2;
    }
    // Logs go to stderr; stdout carries only the "listening" line the tests wait for.
    spdlog::set_default_logger(spdlog::stderr_logger_mt("stderr"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");

    boost::asio::io_context io;
    net::tls_context_store tls(argv[2], argv[3]);
    test_policy policy;
    folder_sink sink(argv[4]);

    net::smtp_service service;
    service.hostname = "mail.example.org";
    if (argc == 6) {
        service.limits.message_size_max = std::stoull(argv[5]);
    }
    // Lets a test reach the idle timeout in seconds instead of minutes.
    if (const char* idle = std::getenv("SKRYNKA_SMTP_TEST_IDLE_SECONDS")) {
        service.limits.server_idle = std::chrono::seconds(std::stoi(idle));
    }
    service.tls = &tls;
    service.policy = &policy;
    service.sink = &sink;

    net::listener_config config;
    config.endpoints.emplace_back(boost::asio::ip::make_address("127.0.0.1"),
                                  static_cast<unsigned short>(std::stoi(argv[1])));
    config.proto = "smtp";
    config.connections_per_address_max = service.limits.connections_per_address_max;
    config.busy_reply = net::smtp_busy_reply(service.hostname);
    net::listener smtp_listener(
        io.get_executor(), config,
        [&service](boost::asio::ip::tcp::socket socket, net::connection_info info) {
            return net::run_smtp_connection(std::move(socket), std::move(info), service);
        });
    smtp_listener.start();

    boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& error, int signal) {
            if (error) {
                return;
            }
            if (signal == SIGHUP) {
                tls.reload();
                signals.async_wait(on_signal);
                return;
            }
            spdlog::info("event=stopping signal={}", signal);
            smtp_listener.stop();
            io.stop();
        };
    signals.async_wait(on_signal);

    std::cout << "listening port=" << smtp_listener.local_endpoints().front().port() << std::endl;
    io.run();
    return 0;
}
