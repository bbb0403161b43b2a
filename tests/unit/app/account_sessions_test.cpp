// The per-account session registry: the POP3 maildrop lock, the logged-in sessions that
// a wipe ends, and expunge notices.
#include "src/server/account_sessions.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <vector>

using namespace skrynka::app::server;

TEST_CASE("maildrop lock is exclusive per account") {
    account_sessions sessions;
    std::optional<account_sessions::maildrop_lock> first = sessions.try_lock_maildrop(1);
    REQUIRE(first);
    CHECK_FALSE(sessions.try_lock_maildrop(1));
    CHECK(sessions.try_lock_maildrop(2));

    first.reset();
    CHECK(sessions.try_lock_maildrop(1));
}

TEST_CASE("maildrop lock survives a move") {
    account_sessions sessions;
    std::optional<account_sessions::maildrop_lock> moved;
    {
        std::optional<account_sessions::maildrop_lock> original = sessions.try_lock_maildrop(7);
        REQUIRE(original);
        moved.emplace(std::move(*original));
    }
    CHECK_FALSE(sessions.try_lock_maildrop(7));
    moved.reset();
    CHECK(sessions.try_lock_maildrop(7));
}

TEST_CASE("maildrop lock outlives the registry") {
    std::optional<account_sessions::maildrop_lock> lock;
    {
        account_sessions sessions;
        std::optional<account_sessions::maildrop_lock> taken = sessions.try_lock_maildrop(3);
        REQUIRE(taken);
        lock.emplace(std::move(*taken));
    }
    lock.reset();
    SUCCEED("releasing after the registry is gone is safe");
}

TEST_CASE("expunge notices reach subscribers of the account") {
    account_sessions sessions;
    std::vector<expunge_notice> alice;
    std::vector<expunge_notice> bob;
    auto alice_subscription =
        sessions.subscribe(1, [&](const expunge_notice& notice) { alice.push_back(notice); });
    auto bob_subscription =
        sessions.subscribe(2, [&](const expunge_notice& notice) { bob.push_back(notice); });

    sessions.publish({1, 10, {4, 9}});
    REQUIRE(alice.size() == 1);
    CHECK(alice[0].mailbox == 10);
    CHECK(alice[0].uids == std::vector<skrynka::storage::message_uid>{4, 9});
    CHECK(bob.empty());
}

TEST_CASE("expunge notices stop after unsubscribing") {
    account_sessions sessions;
    int calls = 0;
    {
        auto subscription = sessions.subscribe(1, [&](const expunge_notice&) { ++calls; });
        sessions.publish({1, 10, {1}});
    }
    sessions.publish({1, 10, {2}});
    CHECK(calls == 1);
}

TEST_CASE("expunge listener may subscribe while called") {
    account_sessions sessions;
    std::optional<account_sessions::subscription> late;
    int late_calls = 0;
    auto subscription = sessions.subscribe(1, [&](const expunge_notice&) {
        if (!late) {
            late.emplace(sessions.subscribe(1, [&](const expunge_notice&) { ++late_calls; }));
        }
    });
    sessions.publish({1, 10, {1}});
    CHECK(late_calls == 0);
    sessions.publish({1, 10, {2}});
    CHECK(late_calls == 1);
}

TEST_CASE("closing an account ends its sessions only") {
    account_sessions sessions;
    const auto alice = std::make_shared<skrynka::net::session_end>();
    const auto bob = std::make_shared<skrynka::net::session_end>();
    std::optional<account_sessions::registration> alice_session =
        sessions.register_session(1, alice);
    std::optional<account_sessions::registration> bob_session = sessions.register_session(2, bob);
    REQUIRE(alice_session);
    REQUIRE(bob_session);

    CHECK(sessions.close_account(1) == 1);
    CHECK(alice->requested());
    CHECK_FALSE(bob->requested());
}

TEST_CASE("closed account refuses registrations until reopened") {
    account_sessions sessions;
    const auto end = std::make_shared<skrynka::net::session_end>();
    CHECK(sessions.close_account(4) == 0);
    CHECK_FALSE(sessions.register_session(4, end));
    CHECK(sessions.register_session(5, end));

    sessions.reopen_account(4);
    CHECK(sessions.register_session(4, end));
}

TEST_CASE("ended registration is not asked again") {
    account_sessions sessions;
    const auto end = std::make_shared<skrynka::net::session_end>();
    std::optional<account_sessions::registration> registration =
        sessions.register_session(6, end);
    REQUIRE(registration);
    registration.reset();
    CHECK(sessions.close_account(6) == 0);
    CHECK_FALSE(end->requested());
}

TEST_CASE("session end calls its waker once set") {
    skrynka::net::session_end end;
    int woken = 0;
    end.set_waker([&woken] { ++woken; });
    end.request();
    CHECK(end.requested());
    CHECK(woken == 1);

    end.set_waker({});
    end.request();
    CHECK(woken == 1);
}
