#include "src/admin/prometheus_text.hpp"

#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace skrynka::app::admin {

namespace {

constexpr metrics::protocol all_protocols[] = {
    metrics::protocol::smtp, metrics::protocol::submission, metrics::protocol::imap,
    metrics::protocol::pop3, metrics::protocol::admin};

void add_family(std::string& text, std::string_view name, std::string_view type,
                std::string_view help) {
    text += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void add_per_protocol(std::string& text, const metrics::registry& counters, std::string_view name,
                      metrics::counter which, std::string_view help) {
    add_family(text, name, "counter", help);
    for (const metrics::protocol protocol : all_protocols) {
        text += fmt::format("{}{{protocol=\"{}\"}} {}\n", name, metrics::protocol_name(protocol),
                            counters.value(which, protocol));
    }
}

} // namespace

std::string render_prometheus(const metrics::registry& counters, const gauge_values& gauges) {
    std::string text;
    add_per_protocol(text, counters, "skrynka_connections_total", metrics::counter::connections,
                     "Connections accepted since the server started.");
    add_per_protocol(text, counters, "skrynka_commands_total", metrics::counter::commands,
                     "Protocol commands (HTTP requests for admin) read since the server started.");
    add_per_protocol(text, counters, "skrynka_logins_succeeded_total",
                     metrics::counter::logins_succeeded, "Successful logins.");
    add_per_protocol(text, counters, "skrynka_logins_failed_total", metrics::counter::logins_failed,
                     "Failed logins, admin token rejections included.");

    add_family(text, "skrynka_messages_delivered_total", "counter",
               "Messages stored in a mailbox by SMTP delivery.");
    text += fmt::format("skrynka_messages_delivered_total {}\n", counters.delivered());
    add_family(text, "skrynka_messages_expunged_total", "counter",
               "Messages removed by IMAP EXPUNGE or POP3 DELE.");
    text += fmt::format("skrynka_messages_expunged_total {}\n", counters.expunged());

    add_family(text, "skrynka_stored_bytes", "gauge",
               "Size of all mailbox databases with their write-ahead logs, in bytes.");
    text += fmt::format("skrynka_stored_bytes {}\n", gauges.stored_bytes);
    add_family(text, "skrynka_queue_length", "gauge",
               "Messages waiting in the outbound queue. Always 0: outbound delivery is not "
               "built yet.");
    text += "skrynka_queue_length 0\n";
    add_family(text, "skrynka_audit_head_sequence", "gauge",
               "Sequence number of the newest audit record.");
    text += fmt::format("skrynka_audit_head_sequence {}\n", gauges.audit_head_sequence);
    add_family(text, "skrynka_process_resident_memory_bytes", "gauge",
               "Resident memory of the server process, in bytes.");
    text += fmt::format("skrynka_process_resident_memory_bytes {}\n", gauges.resident_memory_bytes);
    return text;
}

std::uint64_t resident_memory_bytes() {
    // statm gives sizes in pages: total program size, then resident set size.
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size_pages = 0;
    std::uint64_t resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) {
        return 0;
    }
    const long page_size = ::sysconf(_SC_PAGESIZE);
    return page_size > 0 ? resident_pages * static_cast<std::uint64_t>(page_size) : 0;
}

} // namespace skrynka::app::admin
