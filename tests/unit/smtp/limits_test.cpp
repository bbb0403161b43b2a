#include "src/smtp/limits.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::smtp;

TEST_CASE("limits default to the registry defaults", "[smtp][limits]") {
    const smtp_limits limits;
    const skrynka::policies::limit_values defaults;
    CHECK(limits.command_line_max == 512);
    CHECK(limits.text_line_max == 1000);
    CHECK(limits.message_size_max == static_cast<std::size_t>(defaults.smtp_message_size_max));
    CHECK(limits.recipients_max == 100);
    CHECK(limits.server_idle == std::chrono::seconds(300));
    CHECK(limits.data_block == std::chrono::seconds(180));
}

TEST_CASE("limits take every loaded smtp value", "[smtp][limits]") {
    skrynka::policies::limit_values values;
    values.smtp_command_line_max = 1024;
    values.smtp_text_line_max = 2000;
    values.smtp_message_size_max = 65536;
    values.smtp_recipients_max = 200;
    values.smtp_commands_before_mail_max = 11;
    values.smtp_errors_max = 3;
    values.smtp_connections_per_address_max = 4;
    values.smtp_initial_greeting_seconds = 5;
    values.smtp_mail_rcpt_seconds = 6;
    values.smtp_data_initiation_seconds = 7;
    values.smtp_data_block_seconds = 8;
    values.smtp_data_termination_seconds = 9;
    values.smtp_server_idle_seconds = 10;

    const smtp_limits limits(values);
    CHECK(limits.command_line_max == 1024);
    CHECK(limits.text_line_max == 2000);
    CHECK(limits.message_size_max == 65536);
    CHECK(limits.recipients_max == 200);
    CHECK(limits.commands_before_mail_max == 11);
    CHECK(limits.errors_max == 3);
    CHECK(limits.connections_per_address_max == 4);
    CHECK(limits.initial_greeting == std::chrono::seconds(5));
    CHECK(limits.mail_rcpt == std::chrono::seconds(6));
    CHECK(limits.data_initiation == std::chrono::seconds(7));
    CHECK(limits.data_block == std::chrono::seconds(8));
    CHECK(limits.data_termination == std::chrono::seconds(9));
    CHECK(limits.server_idle == std::chrono::seconds(10));
}
