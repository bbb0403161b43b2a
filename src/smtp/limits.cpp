// Range checks for the SMTP limits declared in limits.hpp.
#include "src/smtp/limits.hpp"

#include <fmt/format.h>

namespace skrynka::smtp {

namespace {

void check_range(std::vector<std::string>& errors, const char* name, long long value,
                 long long minimum, long long maximum) {
    if (value < minimum) {
        errors.push_back(fmt::format("{} = {} is below the minimum {}", name, value, minimum));
    } else if (value > maximum) {
        errors.push_back(fmt::format("{} = {} is above the maximum {}", name, value, maximum));
    }
}

} // namespace

std::vector<std::string> check_limits(const smtp_limits& limits) {
    std::vector<std::string> errors;
    auto check = [&](const char* name, std::size_t value, long long minimum, long long maximum) {
        check_range(errors, name, static_cast<long long>(value), minimum, maximum);
    };
    auto check_seconds = [&](const char* name, std::chrono::seconds value) {
        check_range(errors, name, value.count(), 1, 3600);
    };

    check("command_line_max", limits.command_line_max, 512, 4096);
    check("text_line_max", limits.text_line_max, 1000, 65536);
    check("message_size_max", limits.message_size_max, 64 * 1024, 1024LL * 1024 * 1024);
    check("recipients_max", limits.recipients_max, 100, 10000);
    check("commands_before_mail_max", limits.commands_before_mail_max, 10, 1000);
    check("errors_max", limits.errors_max, 1, 100);
    check("connections_per_address_max", limits.connections_per_address_max, 1, 1000);
    check_seconds("initial_greeting", limits.initial_greeting);
    check_seconds("mail_rcpt", limits.mail_rcpt);
    check_seconds("data_initiation", limits.data_initiation);
    check_seconds("data_block", limits.data_block);
    check_seconds("data_termination", limits.data_termination);
    check_seconds("server_idle", limits.server_idle);
    return errors;
}

} // namespace skrynka::smtp
