// The outcome of verifying the audit log: what was checked and the first fault found.
#pragma once

#include "storage/audit_checkpoint.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace skrynka::storage {

enum class audit_fault {
    none,
    // A record does not match its stored chain value: a field was changed.
    edited,
    // A sequence number is absent while later records exist.
    missing,
    // A record's content matches the chain at a different sequence number.
    reordered,
    // Records verify among themselves, but a signed checkpoint pins another chain value:
    // something between the previous checkpoint and this one was changed and the chain
    // recomputed.
    rewritten,
    // A checkpoint's signature does not verify under the audit public key.
    bad_signature,
    // Records are gone from the end: a checkpoint or the head record names a sequence
    // beyond the last record, or the externally recorded head is beyond it.
    truncated,
    // The chain value at the externally recorded head sequence differs from the one
    // recorded: history up to that sequence was rewritten.
    head_mismatch,
};

// Returns the fault's name, for example "bad_signature".
std::string_view audit_fault_name(audit_fault fault) noexcept;

struct audit_verify_report {
    // Records whose chain value was recomputed and matched, and checkpoints whose
    // signature and chain value matched, before the first fault.
    std::int64_t records = 0;
    std::int64_t checkpoints = 0;
    // The last position that verified. With no fault, the head of the log.
    audit_position head;
    // The sequence number before the first remaining record: 0, or the cut of the newest
    // pruning checkpoint.
    std::int64_t pruned_through = 0;

    audit_fault fault = audit_fault::none;
    // The first sequence number at which the fault shows. For rewritten it is the first
    // sequence after the last checkpoint that verified; for head_mismatch it is the
    // expected head's sequence, because the rewrite may lie anywhere up to it.
    std::int64_t bad_sequence = 0;
    // One sentence for the operator, naming the sequence numbers involved.
    std::string problem;

    bool ok() const noexcept { return fault == audit_fault::none; }
};

} // namespace skrynka::storage
