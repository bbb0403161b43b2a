// GET /metrics: the server's counters and gauges in the Prometheus text exposition format
// (version 0.0.4): a HELP and a TYPE line per metric family, then one sample per line.
#pragma once

#include "src/metrics/server_metrics.hpp"

#include <cstdint>
#include <string>

namespace skrynka::app::admin {

// Values read at the time of the request, beside the counters of the registry.
struct gauge_values {
    std::uint64_t stored_bytes = 0;
    std::int64_t audit_head_sequence = 0;
    std::uint64_t resident_memory_bytes = 0;
};

// Returns the exposition text. Pure and thread-safe.
std::string render_prometheus(const metrics::registry& counters, const gauge_values& gauges);

// Returns this process's resident set size in bytes from /proc/self/statm, or 0 when it
// cannot be read.
std::uint64_t resident_memory_bytes();

} // namespace skrynka::app::admin
