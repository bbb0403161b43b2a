// Destination of a received message: the sink stores it durably for each recipient
// before the session replies 250 (RFC 5321 §4.1.1.4, §6.1).
#pragma once

#include "src/smtp/envelope.hpp"

#include <string_view>
#include <vector>

namespace skrynka::smtp {

enum class delivery_status {
    delivered,         // durable on disk for this recipient
    temporary_failure, // not stored; the client should retry later
};

class delivery_sink {
  public:
    virtual ~delivery_sink() = default;

    // Stores `message` for every recipient of `transaction`. `message` is the complete
    // message as received (unstuffed, CR LF line ends after DATA), with our Return-Path
    // and Received headers in front. It is valid only during the call.
    // Returns one status per envelope recipient in the same order. A result of another
    // length counts as a temporary failure for all. Called on the session's thread and
    // must not throw.
    // TODO: the storage-backed sink must append storage::delivery_entry to the audit log
    // for each recipient before it returns delivered; no such sink exists yet.
    virtual std::vector<delivery_status> deliver(const envelope& transaction,
                                                 std::string_view message) = 0;
};

} // namespace skrynka::smtp
