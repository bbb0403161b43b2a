// audit_log::verify: recomputes the hash chain and checks the checkpoints, the head row
// and an optional externally recorded head, stopping at the first fault.
#include "storage/audit_log.hpp"
#include "storage/audit_rows.hpp"

#include <sqlite3.h>
#include <string>
#include <utility>
#include <vector>

namespace skrynka::storage {

std::string_view audit_fault_name(audit_fault fault) noexcept {
    switch (fault) {
    case audit_fault::none:
        return "none";
    case audit_fault::edited:
        return "edited";
    case audit_fault::missing:
        return "missing";
    case audit_fault::reordered:
        return "reordered";
    case audit_fault::rewritten:
        return "rewritten";
    case audit_fault::bad_signature:
        return "bad_signature";
    case audit_fault::truncated:
        return "truncated";
    case audit_fault::head_mismatch:
        return "head_mismatch";
    }
    return "unknown";
}

namespace {

std::string seq(std::int64_t sequence) {
    return std::to_string(sequence);
}

class chain_verifier {
  public:
    chain_verifier(database& db, const crypto::signing_public_key& key) : db_(db), key_(key) {}

    audit_verify_report run(const std::optional<audit_position>& expect_head) {
        load_checkpoints();
        // Each step returns false after recording the first fault, which ends the run.
        static_cast<void>(start_from_pruning_checkpoint() && check_records() && check_end() &&
                          check_expected_head(expect_head));
        return std::move(report_);
    }

  private:
    bool fail(audit_fault fault, std::int64_t sequence, std::string problem) {
        report_.fault = fault;
        report_.bad_sequence = sequence;
        report_.problem = std::move(problem);
        return false;
    }

    bool signature_valid(const read_checkpoint_result& entry) const {
        return entry.well_formed && crypto::verify(key_, audit_checkpoint_message(entry.checkpoint),
                                                   entry.checkpoint.signature);
    }

    void load_checkpoints() {
        statement rows = db_.prepare(select_checkpoints_sql);
        while (rows.step()) {
            checkpoints_.push_back(read_checkpoint(rows));
        }
    }

    // The newest pruning checkpoint is where the remaining records start. Checkpoints at
    // or below it concern pruned records and are skipped.
    bool start_from_pruning_checkpoint() {
        const read_checkpoint_result* base = nullptr;
        for (const auto& entry : checkpoints_) {
            if (entry.checkpoint.kind ==
                static_cast<std::uint8_t>(audit_checkpoint_kind::pruning)) {
                base = &entry;
            }
        }
        if (base == nullptr) {
            return true;
        }

        const std::int64_t cut = base->checkpoint.sequence;
        if (!signature_valid(*base)) {
            return fail(audit_fault::bad_signature, cut,
                        "the pruning checkpoint at sequence " + seq(cut) +
                            " has a signature that does not verify");
        }
        report_.pruned_through = cut;
        report_.head = {cut, base->checkpoint.hash};
        report_.checkpoints = 1;
        last_good_checkpoint_ = cut;
        while (next_checkpoint_ < checkpoints_.size() &&
               checkpoints_[next_checkpoint_].checkpoint.sequence <= cut) {
            ++next_checkpoint_;
        }
        return true;
    }

    bool check_records() {
        statement rows =
            db_.prepare(std::string(select_records_sql) + " WHERE sequence > ?1 ORDER BY sequence");
        rows.bind(1, report_.pruned_through);
        while (rows.step()) {
            const read_record_result row = read_record(rows);
            if (!check_record(row) || !check_checkpoints_at(row.record.sequence)) {
                return false;
            }
        }
        return true;
    }

    bool check_record(const read_record_result& row) {
        const audit_record& record = row.record;
        const std::int64_t expected = report_.head.sequence + 1;
        if (record.sequence != expected) {
            return fail(audit_fault::missing, expected,
                        "record " + seq(expected) + " is missing; the next record is " +
                            seq(record.sequence));
        }
        if (record.format != audit_format) {
            return fail(audit_fault::edited, expected,
                        "record " + seq(expected) + " has format " + seq(record.format) +
                            ", which this version does not read");
        }

        const crypto::digest computed = chain_audit_record(report_.head.hash, record);
        if (!row.hash_well_formed || computed != record.hash) {
            return classify_mismatch(record);
        }
        report_.head = {record.sequence, computed};
        ++report_.records;
        return true;
    }

    // Every checkpoint at this sequence must carry a valid signature over the chain value
    // just computed.
    bool check_checkpoints_at(std::int64_t sequence) {
        while (next_checkpoint_ < checkpoints_.size() &&
               checkpoints_[next_checkpoint_].checkpoint.sequence <= sequence) {
            const read_checkpoint_result& entry = checkpoints_[next_checkpoint_++];
            if (!signature_valid(entry)) {
                return fail(audit_fault::bad_signature, sequence,
                            "the checkpoint at sequence " + seq(sequence) +
                                " has a signature that does not verify");
            }
            if (entry.checkpoint.hash != report_.head.hash) {
                return fail(audit_fault::rewritten, last_good_checkpoint_ + 1,
                            "the signed checkpoint at sequence " + seq(sequence) +
                                " does not match the chain: records " +
                                seq(last_good_checkpoint_ + 1) + " to " + seq(sequence) +
                                " were changed and their chain values recomputed");
            }
            ++report_.checkpoints;
            last_good_checkpoint_ = sequence;
        }
        return true;
    }

    // Tells a moved record from an edited one. The content of a moved record still
    // chains correctly at some later sequence j. Its predecessor there is the stored
    // value of record j-1, or, when it swapped places with its successor, the value that
    // moved along with that successor. A swap may move the stored chain values with the
    // content or leave them in place, so both places are tried as the target.
    bool classify_mismatch(const audit_record& bad) {
        const std::int64_t k = bad.sequence;
        const crypto::digest stored_at_k = bad.hash;

        statement rows =
            db_.prepare(std::string(select_records_sql) + " WHERE sequence > ?1 ORDER BY sequence");
        rows.bind(1, k);
        crypto::digest previous_stored = stored_at_k;
        audit_record moved = bad;
        while (rows.step()) {
            const audit_record later = read_record(rows).record;
            moved.sequence = later.sequence;

            const crypto::digest onto_previous = chain_audit_record(previous_stored, moved);
            const bool fits =
                onto_previous == later.hash || onto_previous == stored_at_k ||
                (later.sequence == k + 1 && chain_audit_record(later.hash, moved) == stored_at_k);
            if (fits) {
                return fail(audit_fault::reordered, k,
                            "record " + seq(k) +
                                " does not match its chain value; its content "
                                "belongs at sequence " +
                                seq(later.sequence));
            }
            previous_stored = later.hash;
        }
        return fail(audit_fault::edited, k,
                    "record " + seq(k) + " does not match its chain value: it was edited");
    }

    bool check_end() {
        const std::int64_t last = report_.head.sequence;
        if (next_checkpoint_ < checkpoints_.size()) {
            const read_checkpoint_result& beyond = checkpoints_[next_checkpoint_];
            const std::int64_t sequence = beyond.checkpoint.sequence;
            if (!signature_valid(beyond)) {
                return fail(audit_fault::bad_signature, sequence,
                            "the checkpoint at sequence " + seq(sequence) +
                                " has a signature that does not verify");
            }
            return fail(audit_fault::truncated, last + 1,
                        "a checkpoint covers sequence " + seq(sequence) + " but the log ends at " +
                            seq(last));
        }

        const stored_head head = read_head(db_);
        if (!head.present) {
            if (last == 0) {
                return true;
            }
            return fail(audit_fault::truncated, last + 1,
                        "the head record is missing, so records after " + seq(last) +
                            " may have been removed");
        }
        if (head.position.sequence > last) {
            return fail(audit_fault::truncated, last + 1,
                        "the head record names sequence " + seq(head.position.sequence) +
                            " but the log ends at " + seq(last));
        }
        if (head.position.sequence < last) {
            return fail(audit_fault::edited, head.position.sequence + 1,
                        "records after the head record " + seq(head.position.sequence) +
                            " were added outside the log");
        }
        if (head.position.hash != report_.head.hash) {
            return fail(audit_fault::edited, last,
                        "the head record's chain value differs from that of record " + seq(last));
        }
        return true;
    }

    bool check_expected_head(const std::optional<audit_position>& expected) {
        if (!expected) {
            return true;
        }
        const std::int64_t sequence = expected->sequence;
        const std::int64_t last = report_.head.sequence;
        if (sequence > last) {
            return fail(audit_fault::truncated, last + 1,
                        "the expected head " + seq(sequence) + " is beyond the end of the log at " +
                            seq(last));
        }
        if (sequence < report_.pruned_through) {
            return fail(audit_fault::head_mismatch, sequence,
                        "the expected head " + seq(sequence) + " lies before the pruning cut at " +
                            seq(report_.pruned_through) + " and can no longer be checked");
        }

        const std::optional<crypto::digest> actual =
            sequence == report_.pruned_through ? pruned_hash() : record_hash(db_, sequence);
        if (!actual || *actual != expected->hash) {
            return fail(audit_fault::head_mismatch, sequence,
                        "the chain value at sequence " + seq(sequence) +
                            " differs from the expected head: records up to " + seq(sequence) +
                            " were rewritten");
        }
        return true;
    }

    std::optional<crypto::digest> pruned_hash() const {
        for (const auto& entry : checkpoints_) {
            if (entry.checkpoint.sequence == report_.pruned_through &&
                entry.checkpoint.kind ==
                    static_cast<std::uint8_t>(audit_checkpoint_kind::pruning)) {
                return entry.checkpoint.hash;
            }
        }
        if (report_.pruned_through == 0) {
            return crypto::digest{};
        }
        return std::nullopt;
    }

    database& db_;
    const crypto::signing_public_key& key_;
    audit_verify_report report_;
    std::vector<read_checkpoint_result> checkpoints_;
    std::size_t next_checkpoint_ = 0;
    std::int64_t last_good_checkpoint_ = 0;
};

// A deferred read transaction: in WAL mode every read in it sees one snapshot, so a
// process appending meanwhile cannot make the head row look ahead of the records.
class read_snapshot {
  public:
    explicit read_snapshot(database& db) : db_(db) { db_.execute("BEGIN"); }
    read_snapshot(const read_snapshot&) = delete;
    read_snapshot& operator=(const read_snapshot&) = delete;
    ~read_snapshot() { sqlite3_exec(db_.native_handle(), "ROLLBACK", nullptr, nullptr, nullptr); }

  private:
    database& db_;
};

} // namespace

audit_verify_report audit_log::verify(const std::optional<audit_position>& expect_head) {
    const read_snapshot snapshot(*db_);
    return chain_verifier(*db_, key_.public_key).run(expect_head);
}

} // namespace skrynka::storage
