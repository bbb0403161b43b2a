// Tampering with a copy of the audit tables through SQL, the way an operator with the
// storage key could, and checking that verify names the first bad sequence number and
// the right fault.
#include "audit_test_support.hpp"
#include "crypto/signing.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::storage;
using skrynka::storage::test::audit_fixture;

namespace {

// 250 records with checkpoints at 100 and 200, closed so the file can be copied.
struct tamper_fixture : audit_fixture {
    tamper_fixture() : audit_fixture(100) {
        auto store = open();
        fill(store->log, 250, clock);
        head = store->log.head();
    }

    audit_verify_report verify_copy(const std::optional<audit_position>& expect = std::nullopt) {
        auto store = open_copy();
        return store->log.verify(expect);
    }

    audit_position head;
};

std::string seq(int n) {
    return std::to_string(n);
}

// Swaps the listed columns of two records.
std::string swap_sql(int a, int b, const std::string& columns) {
    return "CREATE TEMP TABLE saved AS SELECT * FROM audit_records WHERE sequence IN (" + seq(a) +
           ", " + seq(b) +
           ");"
           "UPDATE audit_records SET (" +
           columns + ") = (SELECT " + columns + " FROM saved WHERE saved.sequence = " + seq(b) +
           ") WHERE sequence = " + seq(a) +
           ";"
           "UPDATE audit_records SET (" +
           columns + ") = (SELECT " + columns + " FROM saved WHERE saved.sequence = " + seq(a) +
           ") WHERE sequence = " + seq(b) + ";";
}

constexpr const char* content_columns =
    "format, time, actor, event, subject, remote, outcome, detail";
constexpr const char* all_columns =
    "format, time, actor, event, subject, remote, outcome, detail, hash";

// Recomputes every chain value from the records and re-signs every checkpoint with the
// seed stored in the copy: a rewrite that is consistent in itself.
void rewrite_consistently(audit_fixture& f) {
    auto store = f.open_copy();
    database& db = store->dir.db();

    skrynka::crypto::digest previous{};
    for (const audit_record& record : store->log.query({})) {
        previous = chain_audit_record(previous, record);
        db.prepare("UPDATE audit_records SET hash = ?1 WHERE sequence = ?2")
            .bind_blob(1, previous)
            .bind(2, record.sequence)
            .run();
        db.prepare("UPDATE audit_checkpoints SET hash = ?1 WHERE sequence = ?2")
            .bind_blob(1, previous)
            .bind(2, record.sequence)
            .run();
        db.prepare("UPDATE audit_head SET hash = ?1 WHERE sequence = ?2")
            .bind_blob(1, previous)
            .bind(2, record.sequence)
            .run();
    }

    statement seed = db.prepare("SELECT value FROM meta WHERE name = 'audit_signing_seed'");
    REQUIRE(seed.step());
    const auto key = skrynka::crypto::signing_key_pair_from_seed(seed.column_secret(0));
    for (const audit_checkpoint& checkpoint : store->log.checkpoints()) {
        const auto signature =
            skrynka::crypto::sign(key.secret_key, audit_checkpoint_message(checkpoint));
        db.prepare("UPDATE audit_checkpoints SET signature = ?1 WHERE sequence = ?2")
            .bind_blob(1, signature)
            .bind(2, checkpoint.sequence)
            .run();
    }
}

} // namespace

TEST_CASE("untouched copy verifies", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    const auto report = f.verify_copy(f.head);
    INFO(report.problem);
    REQUIRE(report.ok());
    REQUIRE(report.records == 250);
    REQUIRE(report.checkpoints == 2);
    REQUIRE(report.head == f.head);
}

TEST_CASE("edited field of a record is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    const char* edits[] = {
        "format = 2",
        "time = time + 1",
        "actor = 3",
        "event = 'login.failure'",
        "subject = 'mallory@example.org'",
        "remote = '203.0.113.9'",
        "outcome = 2",
        "detail = 'proto=smtp'",
        "hash = zeroblob(32)",
        "hash = x'00'",
        "detail = detail || ' '",
        "time = 'soon'",
    };
    for (const char* edit : edits) {
        for (int k : {1, 100, 150, 250}) {
            INFO(edit << " on record " << k);
            f.copy();
            f.tamper(std::string("UPDATE audit_records SET ") + edit +
                     " WHERE sequence = " + seq(k));
            const auto report = f.verify_copy();
            INFO(report.problem);
            REQUIRE(report.fault == audit_fault::edited);
            REQUIRE(report.bad_sequence == k);
            REQUIRE(report.records == k - 1);
        }
    }
}

TEST_CASE("deleted record is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    for (int k : {1, 2, 100, 101, 249}) {
        INFO("record " << k);
        f.copy();
        f.tamper("DELETE FROM audit_records WHERE sequence = " + seq(k));
        const auto report = f.verify_copy();
        INFO(report.problem);
        REQUIRE(report.fault == audit_fault::missing);
        REQUIRE(report.bad_sequence == k);
    }
}

TEST_CASE("swapped records are found as reordered", "[storage][audit][tamper]") {
    tamper_fixture f;
    struct swap_case {
        int first;
        int second;
        const char* columns;
    };
    const swap_case cases[] = {
        {10, 11, content_columns}, {10, 11, all_columns},  {10, 60, content_columns},
        {10, 60, all_columns},     {99, 100, all_columns}, {1, 250, content_columns},
        {249, 250, all_columns},
    };
    for (const auto& swap : cases) {
        INFO(swap.first << " <-> " << swap.second << " columns " << swap.columns);
        f.copy();
        f.tamper(swap_sql(swap.first, swap.second, swap.columns));
        const auto report = f.verify_copy();
        INFO(report.problem);
        REQUIRE(report.fault == audit_fault::reordered);
        REQUIRE(report.bad_sequence == swap.first);
    }
}

TEST_CASE("renumbered records are found as reordered", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("UPDATE audit_records SET sequence = -1 WHERE sequence = 30;"
             "UPDATE audit_records SET sequence = 30 WHERE sequence = 31;"
             "UPDATE audit_records SET sequence = 31 WHERE sequence = -1;");
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::reordered);
    REQUIRE(report.bad_sequence == 30);
}

TEST_CASE("tail deleted after the last checkpoint is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("DELETE FROM audit_records WHERE sequence > 200");
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 201);
    REQUIRE(report.records == 200);
}

TEST_CASE("tail and last checkpoint deleted are found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("DELETE FROM audit_records WHERE sequence > 150;"
             "DELETE FROM audit_checkpoints WHERE sequence = 200;");
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 151);
}

TEST_CASE("tail deleted before a surviving checkpoint is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("DELETE FROM audit_records WHERE sequence > 150;"
             "UPDATE audit_head SET sequence = 150, hash = (SELECT hash FROM audit_records "
             "WHERE sequence = 150);");
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 151);
}

TEST_CASE("hidden truncation is found only against the recorded head", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    // Tail, later checkpoint and head row all adjusted: consistent within the file.
    f.tamper("DELETE FROM audit_records WHERE sequence > 150;"
             "DELETE FROM audit_checkpoints WHERE sequence > 150;"
             "UPDATE audit_head SET sequence = 150, hash = (SELECT hash FROM audit_records "
             "WHERE sequence = 150);");
    REQUIRE(f.verify_copy().ok());

    const auto report = f.verify_copy(f.head);
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 151);
}

TEST_CASE("deleted head row is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("DELETE FROM audit_head");
    const auto report = f.verify_copy();
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 251);
}

TEST_CASE("forged checkpoint signature is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    const char* forgeries[] = {
        "signature = zeroblob(64)", "signature = x'00'", "hash = zeroblob(32)",
        "time = time + 1",          "kind = 3",
    };
    for (const char* forgery : forgeries) {
        INFO(forgery);
        f.copy();
        f.tamper(std::string("UPDATE audit_checkpoints SET ") + forgery + " WHERE sequence = 100");
        const auto report = f.verify_copy();
        INFO(report.problem);
        REQUIRE(report.fault == audit_fault::bad_signature);
        REQUIRE(report.bad_sequence == 100);
    }
}

TEST_CASE("flipped signature bits are found", "[storage][audit][tamper]") {
    tamper_fixture f;
    for (std::size_t byte = 0; byte < skrynka::crypto::signature_size; byte += 7) {
        INFO("byte " << byte);
        f.copy();
        {
            database db = database::open(f.copy_path(), f.key, open_mode::open_existing);
            statement read =
                db.prepare("SELECT signature FROM audit_checkpoints WHERE sequence = 200");
            REQUIRE(read.step());
            auto signature = read.column_blob(0);
            signature[byte] ^= 0x01;
            db.prepare("UPDATE audit_checkpoints SET signature = ?1 WHERE sequence = 200")
                .bind_blob(1, signature)
                .run();
        }
        const auto report = f.verify_copy();
        REQUIRE(report.fault == audit_fault::bad_signature);
        REQUIRE(report.bad_sequence == 200);
        REQUIRE(report.records == 200);
        REQUIRE(report.checkpoints == 1);
    }
}

TEST_CASE("recomputed chain without the key is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("UPDATE audit_records SET detail = 'proto=smtp' WHERE sequence = 150");
    {
        // Recompute the chain values only; the checkpoints keep their old values.
        auto store = f.open_copy();
        database& db = store->dir.db();
        skrynka::crypto::digest previous{};
        for (const audit_record& record : store->log.query({})) {
            previous = chain_audit_record(previous, record);
            db.prepare("UPDATE audit_records SET hash = ?1 WHERE sequence = ?2")
                .bind_blob(1, previous)
                .bind(2, record.sequence)
                .run();
        }
        db.prepare("UPDATE audit_head SET hash = ?1").bind_blob(1, previous).run();
    }
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::rewritten);
    REQUIRE(report.bad_sequence == 101);
}

TEST_CASE("expected head catches a consistent rewrite", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("UPDATE audit_records SET outcome = 2 WHERE sequence = 150");
    rewrite_consistently(f);
    REQUIRE(f.verify_copy().ok());

    const auto report = f.verify_copy(f.head);
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::head_mismatch);
    REQUIRE(report.bad_sequence == 250);

    // A head written down before the rewritten record still matches.
    audit_position early;
    {
        auto original = f.open(open_mode::open_existing);
        early.sequence = 120;
        early.hash = original->log.query({}).at(119).hash;
    }
    REQUIRE(f.verify_copy(early).ok());
}

TEST_CASE("expected head beyond the log is truncation", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    audit_position ahead = f.head;
    ahead.sequence = 251;
    const auto report = f.verify_copy(ahead);
    REQUIRE(report.fault == audit_fault::truncated);
    REQUIRE(report.bad_sequence == 251);
}

TEST_CASE("pruning hides tampering below the cut only", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    f.tamper("UPDATE audit_records SET detail = 'x' WHERE sequence = 120");
    {
        auto store = f.open_copy();
        const std::int64_t cut_time = store->log.query({}).at(149).time + 1;
        REQUIRE(store->log.prune(cut_time).cut.sequence == 150);
    }
    auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.ok());
    REQUIRE(report.pruned_through == 150);

    f.tamper("UPDATE audit_records SET detail = 'x' WHERE sequence = 170");
    report = f.verify_copy();
    REQUIRE(report.fault == audit_fault::edited);
    REQUIRE(report.bad_sequence == 170);
}

TEST_CASE("deleted pruning checkpoint is found", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    {
        auto store = f.open_copy();
        store->log.prune(store->log.query({}).at(149).time + 1);
    }
    f.tamper("DELETE FROM audit_checkpoints WHERE kind = 4");
    auto report = f.verify_copy();
    REQUIRE(report.fault == audit_fault::missing);
    REQUIRE(report.bad_sequence == 1);

    audit_position below_cut;
    below_cut.sequence = 10;
    f.copy();
    {
        auto store = f.open_copy();
        store->log.prune(store->log.query({}).at(149).time + 1);
    }
    report = f.verify_copy(below_cut);
    REQUIRE(report.fault == audit_fault::head_mismatch);
    REQUIRE(report.bad_sequence == 10);
}

TEST_CASE("edit with its own hash recomputed shows next", "[storage][audit][tamper]") {
    tamper_fixture f;
    f.copy();
    {
        auto store = f.open_copy();
        database& db = store->dir.db();
        auto records = store->log.query({});
        audit_record edited = records.at(149);
        edited.detail = "proto=smtp";
        db.prepare("UPDATE audit_records SET detail = ?1, hash = ?2 WHERE sequence = 150")
            .bind_text(1, edited.detail)
            .bind_blob(2, chain_audit_record(records.at(148).hash, edited))
            .run();
    }
    const auto report = f.verify_copy();
    INFO(report.problem);
    REQUIRE(report.fault == audit_fault::edited);
    REQUIRE(report.bad_sequence == 151);
}

TEST_CASE("every tail cut is found", "[storage][audit][tamper]") {
    audit_fixture f(10);
    {
        auto store = f.open();
        audit_fixture::fill(store->log, 25, f.clock);
    }
    for (int keep = 0; keep < 25; ++keep) {
        INFO("records kept " << keep);
        f.copy();
        f.tamper("DELETE FROM audit_records WHERE sequence > " + seq(keep));
        const auto report = f.open_copy()->log.verify();
        INFO(report.problem);
        REQUIRE(report.fault == audit_fault::truncated);
        REQUIRE(report.bad_sequence == keep + 1);
        REQUIRE(report.records == keep);
    }
}
