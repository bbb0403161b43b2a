#include "crypto/key_slot.hpp"
#include "policies/limits.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using namespace skrynka::policies;

TEST_CASE("limit registry has the expected keys", "[policies][limits]") {
    std::set<std::string> names;
    for (const limit& definition : all_limits()) {
        names.insert(std::string(definition.name));
    }
    REQUIRE(names == std::set<std::string>{
                         "argon2_ops", "argon2_memory_kib", "password_min_length",
                         "password_max_length", "key_cache_seconds", "login_unwraps_concurrent_max",
                         "audit_checkpoint_interval",
                         "audit_checkpoint_seconds", "audit_retention_days", "imap_line_max_bytes",
                         "imap_literal_max_bytes", "imap_literal_max_bytes_unauthenticated",
                         "imap_append_max_bytes", "imap_commands_before_auth", "imap_idle_seconds",
                         "imap_idle_seconds_unauthenticated", "imap_connections_per_address_max",
                         "cleartext_login_on_loopback",
                         "smtp_command_line_max", "smtp_text_line_max", "smtp_message_size_max",
                         "smtp_recipients_max", "smtp_commands_before_mail_max", "smtp_errors_max",
                         "smtp_connections_per_address_max", "smtp_initial_greeting_seconds",
                         "smtp_mail_rcpt_seconds", "smtp_data_initiation_seconds",
                         "smtp_data_block_seconds", "smtp_data_termination_seconds",
                         "smtp_server_idle_seconds",
                         "login_failures_max", "login_failure_window_seconds", "pop3_line_max",
                         "pop3_commands_before_auth_max", "pop3_errors_max",
                         "pop3_idle_timeout_seconds", "pop3_connections_per_address_max",
                         "admin_header_max_bytes", "admin_body_max_bytes", "admin_request_seconds",
                         "admin_connections_per_address_max",
                         "submission_messages_per_hour", "submission_recipients_per_hour",
                         "delivery_retry_seconds", "delivery_max_age_hours"});
}

TEST_CASE("limit defaults match the value struct", "[policies][limits]") {
    const limit_values defaults;
    for (const limit& definition : all_limits()) {
        INFO(definition.name);
        REQUIRE(defaults.*definition.field == definition.default_value);
        REQUIRE_FALSE(check_limit(definition, definition.default_value));
        REQUIRE(definition.minimum <= definition.maximum);
        REQUIRE_FALSE(definition.unit.empty());
    }
}

TEST_CASE("limit defaults are the documented values", "[policies][limits]") {
    const limit_values defaults;
    REQUIRE(defaults.argon2_ops == 3);
    REQUIRE(defaults.argon2_memory_kib == 64 * 1024);
    REQUIRE(defaults.password_min_length == 12);
    // RFC 3501 section 5.4: the autologout timer after login is at least 30 minutes.
    REQUIRE(defaults.imap_idle_seconds >= 30 * 60);
    REQUIRE(find_limit("imap_idle_seconds")->minimum >= 30 * 60);
    REQUIRE(defaults.password_max_length == 1024);
    REQUIRE(defaults.key_cache_seconds == 600);
    REQUIRE(defaults.smtp_command_line_max == 512);
    REQUIRE(defaults.smtp_text_line_max == 1000);
    REQUIRE(defaults.smtp_message_size_max == 50 * 1024 * 1024);
    REQUIRE(defaults.smtp_recipients_max == 100);
    REQUIRE(defaults.smtp_server_idle_seconds == 300);
    REQUIRE(defaults.smtp_data_block_seconds == 180);
}

TEST_CASE("SMTP limits enforce RFC 5321 minimums", "[policies][limits]") {
    CHECK(check_limit(*find_limit("smtp_command_line_max"), 511) ==
          std::optional<std::string>("511 is below the minimum 512"));
    CHECK(check_limit(*find_limit("smtp_text_line_max"), 999) ==
          std::optional<std::string>("999 is below the minimum 1000"));
    CHECK(check_limit(*find_limit("smtp_recipients_max"), 99) ==
          std::optional<std::string>("99 is below the minimum 100"));
    CHECK(check_limit(*find_limit("smtp_server_idle_seconds"), 0) ==
          std::optional<std::string>("0 is below the minimum 1"));
    CHECK_FALSE(check_limit(*find_limit("smtp_message_size_max"), 1024LL * 1024 * 1024));
}

TEST_CASE("Argon2 limits match the crypto module", "[policies][limits]") {
    const limit_values defaults;
    auto crypto_defaults = skrynka::crypto::default_argon2_params();
    REQUIRE(static_cast<std::uint64_t>(defaults.argon2_ops) == crypto_defaults.ops_limit);
    REQUIRE(static_cast<std::uint64_t>(defaults.argon2_memory_kib) * 1024 ==
            crypto_defaults.mem_limit_bytes);

    const limit& ops = *find_limit("argon2_ops");
    const limit& memory = *find_limit("argon2_memory_kib");
    for (auto [ops_value, memory_value] :
         {std::pair{ops.minimum, memory.minimum}, std::pair{ops.maximum, memory.maximum}}) {
        skrynka::crypto::argon2_params params{static_cast<std::uint64_t>(ops_value),
                                              static_cast<std::uint64_t>(memory_value) * 1024};
        INFO(ops_value << " passes, " << memory_value << " KiB");
        REQUIRE(skrynka::crypto::argon2_params_valid(params));
    }
}

TEST_CASE("limit lookup finds known names only", "[policies][limits]") {
    REQUIRE(find_limit("password_min_length") != nullptr);
    REQUIRE(find_limit("password_min_length")->minimum == 8);
    REQUIRE(find_limit("password_min") == nullptr);
    REQUIRE(find_limit("") == nullptr);
}

TEST_CASE("limit check reports both range ends", "[policies][limits]") {
    const limit& min_length = *find_limit("password_min_length");
    REQUIRE(check_limit(min_length, 3) == std::string("3 is below the minimum 8"));
    REQUIRE(check_limit(min_length, 129) == std::string("129 is above the maximum 128"));
    REQUIRE_FALSE(check_limit(min_length, 8));
    REQUIRE_FALSE(check_limit(min_length, 128));
}

TEST_CASE("key cache accepts zero and one day", "[policies][limits]") {
    const limit& cache = *find_limit("key_cache_seconds");
    REQUIRE_FALSE(check_limit(cache, 0));
    REQUIRE_FALSE(check_limit(cache, 86400));
    REQUIRE(check_limit(cache, 86401));
    REQUIRE(check_limit(cache, -1));
}

TEST_CASE("limit relations reject min above max", "[policies][limits]") {
    limit_values values;
    values.password_min_length = 100;
    values.password_max_length = 64;
    auto conflict = check_limit_relations(values);
    REQUIRE(conflict);
    REQUIRE(conflict->name == "password_min_length");
    REQUIRE(conflict->reason == "100 is above limits.password_max_length (64)");

    values.password_max_length = 100;
    REQUIRE_FALSE(check_limit_relations(values));
}
