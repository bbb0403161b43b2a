#include "src/cli/audit_output.hpp"

#include "crypto/encoding.hpp"
#include "storage/audit_time.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace skrynka::app::cli {

std::string actor_text(std::uint8_t actor) {
    const std::string_view name =
        storage::audit_actor_name(static_cast<storage::audit_actor>(actor));
    return name == "unknown" ? std::to_string(actor) : std::string(name);
}

std::string outcome_text(std::uint8_t outcome) {
    const std::string_view name =
        storage::audit_outcome_name(static_cast<storage::audit_outcome>(outcome));
    return name == "unknown" ? std::to_string(outcome) : std::string(name);
}

namespace {

std::string_view or_dash(const std::string& text) {
    return text.empty() ? std::string_view("-") : std::string_view(text);
}

} // namespace

std::string audit_table_heading() {
    return fmt::format("{:>8}  {:<24}  {:<6}  {:<16}  {:<7}  {:<32}  {:<15}  {}", "SEQUENCE",
                       "TIME", "ACTOR", "EVENT", "OUTCOME", "SUBJECT", "REMOTE", "DETAIL");
}

std::string format_audit_table_row(const storage::audit_record& record) {
    return fmt::format("{:>8}  {:<24}  {:<6}  {:<16}  {:<7}  {:<32}  {:<15}  {}", record.sequence,
                       storage::format_audit_time(record.time), actor_text(record.actor),
                       record.event, outcome_text(record.outcome), or_dash(record.subject),
                       or_dash(record.remote), or_dash(record.detail));
}

std::string format_audit_json_line(const storage::audit_record& record) {
    return boost::json::serialize(audit_record_json(record));
}

boost::json::object audit_record_json(const storage::audit_record& record) {
    boost::json::object object;
    object["sequence"] = record.sequence;
    object["time"] = storage::format_audit_time(record.time);
    object["actor"] = actor_text(record.actor);
    object["event"] = record.event;
    object["subject"] = record.subject;
    object["remote"] = record.remote;
    object["outcome"] = outcome_text(record.outcome);
    object["detail"] = record.detail;
    object["hash"] = crypto::hex_encode(record.hash);
    return object;
}

} // namespace skrynka::app::cli
