#include "audit_test_support.hpp"
#include "storage/audit_entries.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::storage;
using skrynka::storage::test::audit_fixture;

TEST_CASE("login entries carry protocol and reason", "[storage][audit]") {
    const audit_entry success =
        login_success_entry(audit_protocol::imap, "alice@example.org", "192.0.2.1");
    REQUIRE(success.event == audit_event::login_success);
    REQUIRE(success.actor == audit_actor::user);
    REQUIRE(success.outcome == audit_outcome::success);
    REQUIRE(success.subject == "alice@example.org");
    REQUIRE(success.detail == "proto=imap");

    const audit_entry failure =
        login_failure_entry(audit_protocol::pop3, "nobody@example.org", "192.0.2.1",
                            login_failure_reason::unknown_account);
    REQUIRE(failure.event == audit_event::login_failure);
    REQUIRE(failure.outcome == audit_outcome::failure);
    REQUIRE(failure.detail == "proto=pop3 reason=unknown_account");
}

TEST_CASE("delivery and expunge entries carry counts only", "[storage][audit]") {
    const audit_entry delivery =
        delivery_entry("bob@example.org", 48213, audit_protocol::smtp, "198.51.100.2");
    REQUIRE(delivery.event == audit_event::message_deliver);
    REQUIRE(delivery.actor == audit_actor::system);
    REQUIRE(delivery.subject == "bob@example.org");
    REQUIRE(delivery.detail == "size=48213 proto=smtp");

    const audit_entry expunge = expunge_entry("bob@example.org", "Archive/2025", 3, "");
    REQUIRE(expunge.event == audit_event::message_expunge);
    REQUIRE(expunge.subject == "bob@example.org/Archive/2025");
    REQUIRE(expunge.detail == "count=3");
}

TEST_CASE("hostile login address is stored escaped", "[storage][audit]") {
    audit_fixture f;
    auto store = f.open();
    store->log.append(login_failure_entry(audit_protocol::smtp,
                                          "x\r\n250 OK\r\n" + std::string(900, 'a'), "192.0.2.1",
                                          login_failure_reason::malformed));
    const audit_record stored = store->log.query({}).at(0);
    REQUIRE(stored.subject.rfind("x\\x0d\\x0a250 OK", 0) == 0);
    REQUIRE(stored.subject.size() <= audit_subject_max_size);
    REQUIRE(store->log.verify().ok());
}
