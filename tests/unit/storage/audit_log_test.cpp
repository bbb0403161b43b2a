#include "audit_test_support.hpp"
#include "storage/error.hpp"
#include "storage/transaction.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::storage;
using skrynka::storage::test::audit_fixture;

namespace {

audit_entry login_failure(std::string subject) {
    audit_entry entry;
    entry.actor = audit_actor::user;
    entry.event = audit_event::login_failure;
    entry.subject = std::move(subject);
    entry.remote = "198.51.100.4";
    entry.outcome = audit_outcome::failure;
    entry.detail = "proto=pop3 reason=bad_credentials";
    return entry;
}

errc error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const storage_error& error) {
        return static_cast<errc>(error.code().value());
    }
    FAIL("no storage_error thrown");
    return errc::internal;
}

} // namespace

TEST_CASE("audit log appends and verifies", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    REQUIRE(store->log.head() == audit_position{});
    REQUIRE(store->log.verify().ok());

    const audit_position first = store->log.append(login_failure("alice@example.org"));
    REQUIRE(first.sequence == 1);
    const audit_position second = store->log.append(login_failure("bob@example.org"));
    REQUIRE(second.sequence == 2);
    REQUIRE(store->log.head() == second);

    const auto records = store->log.query({});
    REQUIRE(records.size() == 2);
    REQUIRE(records[0].event == "login.failure");
    REQUIRE(records[0].actor == static_cast<std::uint8_t>(audit_actor::user));
    REQUIRE(records[0].outcome == static_cast<std::uint8_t>(audit_outcome::failure));
    REQUIRE(records[0].remote == "198.51.100.4");
    REQUIRE(records[0].detail == "proto=pop3 reason=bad_credentials");
    REQUIRE(records[0].time == *f.clock.now);
    REQUIRE(records[0].hash == chain_audit_record({}, records[0]));
    REQUIRE(records[1].hash == chain_audit_record(records[0].hash, records[1]));

    const audit_verify_report report = store->log.verify();
    REQUIRE(report.ok());
    REQUIRE(report.records == 2);
    REQUIRE(report.checkpoints == 0);
    REQUIRE(report.head == second);
}

TEST_CASE("audit chain survives reopen", "[storage][audit]") {
    audit_fixture f(10);
    skrynka::crypto::signing_public_key key{};
    {
        auto store = f.open();
        audit_fixture::fill(store->log, 15, f.clock);
        key = store->log.public_key();
    }
    auto store = f.open(open_mode::open_existing);
    REQUIRE(store->log.public_key() == key);
    REQUIRE(store->log.head().sequence == 15);
    audit_fixture::fill(store->log, 15, f.clock);

    const auto report = store->log.verify();
    INFO(report.problem);
    REQUIRE(report.ok());
    REQUIRE(report.records == 30);
    REQUIRE(report.checkpoints == 3);
}

TEST_CASE("audit signing key differs between directories", "[storage][audit]") {
    audit_fixture one;
    audit_fixture two;
    REQUIRE(one.open()->log.public_key() != two.open()->log.public_key());
}

TEST_CASE("audit log checkpoints every N records", "[storage][audit]") {
    audit_fixture f(10);
    auto store = f.open();
    audit_fixture::fill(store->log, 25, f.clock);

    const auto checkpoints = store->log.checkpoints();
    REQUIRE(checkpoints.size() == 2);
    REQUIRE(checkpoints[0].sequence == 10);
    REQUIRE(checkpoints[1].sequence == 20);
    REQUIRE(checkpoints[0].kind == static_cast<std::uint8_t>(audit_checkpoint_kind::periodic));
    REQUIRE(checkpoints[0].hash == store->log.query({})[9].hash);
}

TEST_CASE("audit log checkpoints after the interval", "[storage][audit]") {
    audit_fixture f(100);
    auto store = f.open();
    REQUIRE_FALSE(store->log.maybe_checkpoint(*f.clock.now));

    audit_fixture::fill(store->log, 3, f.clock); // the oldest record is now 3 s old
    REQUIRE_FALSE(store->log.maybe_checkpoint(*f.clock.now));
    const std::int64_t ten_minutes = 600'000;
    REQUIRE_FALSE(store->log.maybe_checkpoint(*f.clock.now + ten_minutes - 3001));

    const auto written = store->log.maybe_checkpoint(*f.clock.now + ten_minutes - 3000);
    REQUIRE(written);
    REQUIRE(written->sequence == 3);
    REQUIRE_FALSE(store->log.maybe_checkpoint(*f.clock.now + 2 * ten_minutes));
}

TEST_CASE("audit checkpoint signs the head once", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    REQUIRE_FALSE(store->log.checkpoint(audit_checkpoint_kind::shutdown));

    const audit_position head = store->log.append(login_failure("alice@example.org"));
    const auto written = store->log.checkpoint(audit_checkpoint_kind::shutdown);
    REQUIRE(written);
    REQUIRE(written->sequence == head.sequence);
    REQUIRE(written->hash == head.hash);
    REQUIRE(written->kind == static_cast<std::uint8_t>(audit_checkpoint_kind::shutdown));
    REQUIRE(skrynka::crypto::verify(store->log.public_key(), audit_checkpoint_message(*written),
                                    written->signature));
    REQUIRE_FALSE(store->log.checkpoint());
    REQUIRE(store->log.verify().checkpoints == 1);
}

TEST_CASE("audit append joins the caller's transaction", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    {
        transaction tx(store->dir.db());
        store->log.append(tx, login_failure("alice@example.org"));
        // destroyed without commit: rolled back
    }
    REQUIRE(store->log.head().sequence == 0);
    {
        transaction tx(store->dir.db());
        store->log.append(tx, login_failure("alice@example.org"));
        tx.commit();
    }
    REQUIRE(store->log.head().sequence == 1);
    REQUIRE(store->log.verify().ok());
}

TEST_CASE("audit append in a transaction needs one open", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    std::optional<transaction> tx(std::in_place, store->dir.db());
    tx->commit();
    REQUIRE(error_of([&] { store->log.append(*tx, login_failure("a@example.org")); }) ==
            errc::internal);
}

TEST_CASE("audit record times never decrease", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    store->log.append(login_failure("alice@example.org"));
    f.clock.advance(-5000);
    store->log.append(login_failure("alice@example.org"));
    const auto records = store->log.query({});
    REQUIRE(records[1].time == records[0].time);
}

TEST_CASE("audit detail is bounded and escaped", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    audit_entry entry = login_failure(std::string(2000, 'a') + "@example.org");
    entry.remote = std::string(500, '9');
    entry.detail = "reason=x\r\nSubject: quarterly results\r\n\r\n" + std::string(10000, 'B');
    store->log.append(entry);

    const audit_record stored = store->log.query({}).at(0);
    REQUIRE(stored.detail.size() <= audit_detail_max_size);
    REQUIRE(stored.subject.size() <= audit_subject_max_size);
    REQUIRE(stored.remote.size() <= audit_remote_max_size);
    for (const std::string* text : {&stored.detail, &stored.subject, &stored.remote}) {
        for (char c : *text) {
            REQUIRE(c >= 0x20);
            REQUIRE(c <= 0x7e);
        }
    }
    REQUIRE(stored.detail.find("\r\n") == std::string::npos);
    REQUIRE(stored.detail.substr(stored.detail.size() - 3) == "...");
    REQUIRE(store->log.verify().ok());
}

TEST_CASE("audit query filters by subject, event and time", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    const std::int64_t start = *f.clock.now;
    store->log.append(login_failure("alice@example.org"));
    f.clock.advance(1000);
    store->log.append(login_failure("alice_x@example.org"));
    f.clock.advance(1000);
    audit_entry expunge;
    expunge.event = audit_event::message_expunge;
    expunge.subject = "alice@example.org/Archive/2025";
    store->log.append(expunge);
    f.clock.advance(1000);
    store->log.append(login_failure("alice@example.org.evil"));

    audit_filter by_user;
    by_user.subject = "alice@example.org";
    auto found = store->log.query(by_user);
    REQUIRE(found.size() == 2);
    REQUIRE(found[0].sequence == 1);
    REQUIRE(found[1].sequence == 3);

    audit_filter by_event;
    by_event.event = audit_event::login_failure;
    REQUIRE(store->log.query(by_event).size() == 3);

    audit_filter by_time;
    by_time.since = start + 1000;
    by_time.until = start + 2000;
    found = store->log.query(by_time);
    REQUIRE(found.size() == 2);
    REQUIRE(found[0].sequence == 2);

    audit_filter limited;
    limited.limit = 1;
    REQUIRE(store->log.query(limited).size() == 1);

    audit_filter wildcard;
    wildcard.subject = "alice_%";
    REQUIRE(store->log.query(wildcard).empty());
}

TEST_CASE("audit query pages after a sequence number", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    for (int i = 0; i < 5; ++i) {
        store->log.append(login_failure("alice@example.org"));
    }

    audit_filter page;
    page.limit = 2;
    page.after_sequence = 2;
    auto found = store->log.query(page);
    REQUIRE(found.size() == 2);
    REQUIRE(found[0].sequence == 3);
    REQUIRE(found[1].sequence == 4);

    page.after_sequence = 5;
    REQUIRE(store->log.query(page).empty());
}

TEST_CASE("audit log needs the audit schema", "[storage][audit]") {
    audit_fixture f;
    database plain = database::open(f.dir / "plain.db", f.key, open_mode::create_new);
    REQUIRE(error_of([&] { audit_log::open(plain); }) == errc::invalid_argument);

    auto store = f.open();
    audit_options zero;
    zero.checkpoint_every_records = 0;
    REQUIRE(error_of([&] { audit_log::open(store->dir.db(), zero); }) == errc::invalid_argument);
}

TEST_CASE("audit prune keeps the chain verifiable", "[storage][audit]") {
    audit_fixture f(100);
    auto store = f.open();
    audit_fixture::fill(store->log, 300, f.clock);
    const audit_position before_prune = store->log.head();
    const std::int64_t cut_time = store->log.query({}).at(149).time + 1;

    const audit_prune_result pruned = store->log.prune(cut_time);
    REQUIRE(pruned.removed == 150);
    REQUIRE(pruned.cut.sequence == 150);

    const auto records = store->log.query({});
    REQUIRE(records.front().sequence == 151);
    REQUIRE(records.back().event == "audit.prune");
    REQUIRE(records.back().sequence == 301);

    const auto checkpoints = store->log.checkpoints();
    REQUIRE(checkpoints.front().sequence == 150);
    REQUIRE(checkpoints.front().kind == static_cast<std::uint8_t>(audit_checkpoint_kind::pruning));
    REQUIRE(checkpoints.at(1).sequence == 200);

    const auto report = store->log.verify(before_prune);
    INFO(report.problem);
    REQUIRE(report.ok());
    REQUIRE(report.pruned_through == 150);
    REQUIRE(report.records == 151);
    REQUIRE(report.checkpoints == 3); // the pruning checkpoint, 200 and 300

    REQUIRE(store->log.prune(cut_time).removed == 0);
}

TEST_CASE("audit prune of every record leaves the prune record", "[storage][audit]") {
    audit_fixture f(100);
    auto store = f.open();
    audit_fixture::fill(store->log, 5, f.clock);
    const audit_prune_result pruned = store->log.prune(*f.clock.now + 1);
    REQUIRE(pruned.removed == 5);
    REQUIRE(store->log.query({}).size() == 1);
    const auto report = store->log.verify();
    INFO(report.problem);
    REQUIRE(report.ok());
    REQUIRE(report.head.sequence == 6);
}
