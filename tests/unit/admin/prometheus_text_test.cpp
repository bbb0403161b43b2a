#include "src/admin/prometheus_text.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace skrynka::app::admin;
namespace metrics = skrynka::metrics;

TEST_CASE("prometheus text lists every family", "[admin][metrics]") {
    metrics::registry counters;
    counters.add(metrics::counter::connections, metrics::protocol::imap, 3);
    counters.add(metrics::counter::logins_failed, metrics::protocol::pop3);
    counters.add_delivered(5);
    counters.add_expunged(2);
    gauge_values gauges;
    gauges.stored_bytes = 4096;
    gauges.audit_head_sequence = 17;
    gauges.resident_memory_bytes = 1234;

    const std::string text = render_prometheus(counters, gauges);
    REQUIRE(text.find("skrynka_connections_total{protocol=\"imap\"} 3\n") != std::string::npos);
    REQUIRE(text.find("skrynka_connections_total{protocol=\"smtp\"} 0\n") != std::string::npos);
    REQUIRE(text.find("skrynka_logins_failed_total{protocol=\"pop3\"} 1\n") != std::string::npos);
    REQUIRE(text.find("skrynka_messages_delivered_total 5\n") != std::string::npos);
    REQUIRE(text.find("skrynka_messages_expunged_total 2\n") != std::string::npos);
    REQUIRE(text.find("skrynka_stored_bytes 4096\n") != std::string::npos);
    REQUIRE(text.find("skrynka_queue_length 0\n") != std::string::npos);
    REQUIRE(text.find("skrynka_audit_head_sequence 17\n") != std::string::npos);
    REQUIRE(text.find("skrynka_process_resident_memory_bytes 1234\n") != std::string::npos);
    REQUIRE(text.find("# TYPE skrynka_commands_total counter\n") != std::string::npos);
    REQUIRE(text.find("# TYPE skrynka_stored_bytes gauge\n") != std::string::npos);
}

TEST_CASE("prometheus text lines are well formed", "[admin][metrics]") {
    const std::string text = render_prometheus(metrics::registry{}, gauge_values{});
    std::istringstream lines(text);
    std::string line;
    std::string family;
    while (std::getline(lines, line)) {
        INFO(line);
        REQUIRE_FALSE(line.empty());
        if (line.starts_with("# HELP ")) {
            family = line.substr(7, line.find(' ', 7) - 7);
            continue;
        }
        if (line.starts_with("# TYPE ")) {
            REQUIRE(line.substr(7, family.size()) == family);
            continue;
        }
        // A sample belongs to the family announced last and ends in a number.
        REQUIRE(line.starts_with(family));
        const std::string value = line.substr(line.rfind(' ') + 1);
        REQUIRE(value.find_first_not_of("0123456789") == std::string::npos);
    }
}

TEST_CASE("resident memory is read from proc", "[admin][metrics]") {
    REQUIRE(resident_memory_bytes() > 0);
}
