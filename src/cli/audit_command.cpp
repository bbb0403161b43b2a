#include "src/cli/audit_command.hpp"

#include "crypto/encoding.hpp"
#include "src/cli/audit_output.hpp"
#include "src/cli/audit_trail.hpp"
#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "storage/address.hpp"
#include "storage/audit_time.hpp"
#include "storage/error.hpp"

#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <optional>

namespace skrynka::app::cli {

namespace {

struct audit_arguments {
    std::string user;
    std::string event;
    std::string since;
    std::string until;
    bool json = false;
    std::string expect_head;
};

std::int64_t parse_time_option(std::string_view option, const std::string& text) {
    const auto time = storage::parse_audit_time(text);
    if (!time) {
        throw cli_error(fmt::format("invalid {} '{}': expected an RFC 3339 time such as "
                                    "2026-01-31T18:00:00Z, or a date such as 2026-01-31",
                                    option, text));
    }
    return *time;
}

storage::audit_filter filter_from(const audit_arguments& arguments) {
    storage::audit_filter filter;
    if (!arguments.user.empty()) {
        try {
            filter.subject = storage::canonical_address(arguments.user);
        } catch (const storage::storage_error&) {
            throw cli_error(
                fmt::format("invalid --user '{}': expected an account address", arguments.user));
        }
    }
    if (!arguments.event.empty()) {
        filter.event = storage::parse_audit_event(arguments.event);
        if (!filter.event) {
            std::string names;
            for (storage::audit_event event : storage::all_audit_events()) {
                names += names.empty() ? "" : ", ";
                names += storage::audit_event_name(event);
            }
            throw cli_error(
                fmt::format("invalid --event '{}': expected one of {}", arguments.event, names));
        }
    }
    if (!arguments.since.empty()) {
        filter.since = parse_time_option("--since", arguments.since);
    }
    if (!arguments.until.empty()) {
        filter.until = parse_time_option("--until", arguments.until);
    }
    return filter;
}

int show_audit(const global_options& globals, const audit_arguments& arguments) {
    const storage::audit_filter filter = filter_from(arguments);
    instance opened = open_instance(globals);
    storage::audit_log log = open_audit_log(opened);

    const auto records = log.query(filter);
    if (arguments.json) {
        for (const auto& record : records) {
            std::cout << format_audit_json_line(record) << '\n';
        }
        return 0;
    }
    std::cout << audit_table_heading() << '\n';
    for (const auto& record : records) {
        std::cout << format_audit_table_row(record) << '\n';
    }
    return 0;
}

int verify_audit(const global_options& globals, const audit_arguments& arguments) {
    std::optional<storage::audit_position> expected;
    if (!arguments.expect_head.empty()) {
        expected = storage::parse_audit_position(arguments.expect_head);
        if (!expected) {
            throw cli_error(fmt::format("invalid --expect-head '{}': expected SEQUENCE:HASH as "
                                        "printed by `skrynka audit head`",
                                        arguments.expect_head));
        }
    }

    instance opened = open_instance(globals);
    storage::audit_log log = open_audit_log(opened);
    const storage::audit_verify_report report = log.verify(expected);

    // The run itself is an audit event, recorded before the result is printed.
    std::string detail =
        fmt::format("records={} checkpoints={}", report.records, report.checkpoints);
    if (!report.ok()) {
        detail += fmt::format(" fault={} sequence={}", storage::audit_fault_name(report.fault),
                              report.bad_sequence);
    }
    if (expected) {
        detail += fmt::format(" expect_head={}", expected->sequence);
    }
    record_admin_action(opened, storage::audit_event::audit_verify, "", detail,
                        report.ok() ? storage::audit_outcome::success
                                    : storage::audit_outcome::failure);

    std::cout << fmt::format("records verified: {}\ncheckpoints verified: {}\n", report.records,
                             report.checkpoints);
    if (report.pruned_through > 0) {
        std::cout << fmt::format("pruned through: {}\n", report.pruned_through);
    }
    std::cout << fmt::format("head: {}\n", storage::format_audit_position(report.head));
    if (!report.ok()) {
        throw cli_error(fmt::format("audit log verification failed at sequence {} ({}): {}",
                                    report.bad_sequence, storage::audit_fault_name(report.fault),
                                    report.problem),
                        audit_verify_failed_status);
    }
    std::cout << "audit log OK\n";
    return 0;
}

int show_audit_head(const global_options& globals) {
    instance opened = open_instance(globals);
    storage::audit_log log = open_audit_log(opened);
    std::cout << storage::format_audit_position(log.head()) << '\n';
    std::cout << "public key: " << crypto::hex_encode(log.public_key()) << '\n';
    return 0;
}

} // namespace

void add_audit_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    auto arguments = std::make_shared<audit_arguments>();
    CLI::App* audit = app.add_subcommand("audit", "Show and verify the tamper-evident audit log");
    audit->require_subcommand(1);

    CLI::App* show = audit->add_subcommand("show", "List audit records, oldest first");
    show->add_option("--user", arguments->user,
                     "Only records about this account address and its mailboxes");
    show->add_option("--event", arguments->event,
                     "Only records of this event, such as login.failure");
    show->add_option("--since", arguments->since, "Only records at or after this RFC 3339 time");
    show->add_option("--until", arguments->until, "Only records at or before this RFC 3339 time");
    show->add_flag("--json", arguments->json, "Print JSON Lines: one JSON object per record");
    show->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return show_audit(globals, *arguments); };
    });

    CLI::App* verify = audit->add_subcommand(
        "verify", "Recompute the hash chain and check every checkpoint signature");
    verify->add_option("--expect-head", arguments->expect_head,
                       "SEQUENCE:HASH from an earlier `audit head`; fails unless the chain "
                       "still passes through it");
    verify->callback([&globals, &action, arguments] {
        action = [&globals, arguments] { return verify_audit(globals, *arguments); };
    });

    CLI::App* head = audit->add_subcommand(
        "head", "Print the newest sequence number and chain value, to write down elsewhere");
    head->callback(
        [&globals, &action] { action = [&globals] { return show_audit_head(globals); }; });
}

} // namespace skrynka::app::cli
