// Builds the engine's limits from the policies limit values.
#include "src/smtp/limits.hpp"

namespace skrynka::smtp {

namespace {

std::size_t to_size(std::int64_t value) {
    // The registry minimums are positive, so the conversion never wraps.
    return static_cast<std::size_t>(value);
}

} // namespace

smtp_limits::smtp_limits() : smtp_limits(policies::limit_values{}) {}

smtp_limits::smtp_limits(const policies::limit_values& values)
    : command_line_max(to_size(values.smtp_command_line_max)),
      text_line_max(to_size(values.smtp_text_line_max)),
      message_size_max(to_size(values.smtp_message_size_max)),
      recipients_max(to_size(values.smtp_recipients_max)),
      commands_before_mail_max(to_size(values.smtp_commands_before_mail_max)),
      errors_max(to_size(values.smtp_errors_max)),
      connections_per_address_max(to_size(values.smtp_connections_per_address_max)),
      initial_greeting(values.smtp_initial_greeting_seconds),
      mail_rcpt(values.smtp_mail_rcpt_seconds),
      data_initiation(values.smtp_data_initiation_seconds),
      data_block(values.smtp_data_block_seconds),
      data_termination(values.smtp_data_termination_seconds),
      server_idle(values.smtp_server_idle_seconds) {}

} // namespace skrynka::smtp
