#include "src/auth/account_unlocker.hpp"

#include "crypto/key_slot.hpp"
#include "crypto/user_keys.hpp"
#include "policies/limits.hpp"
#include "src/auth/account_key_slots.hpp"
#include "storage/directory.hpp"
#include "tests/unit/storage/temp_dir.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace skrynka;
using std::chrono::seconds;
using storage::test::temp_dir;

namespace {

crypto::secret_bytes secret_of(std::string_view text) {
    return crypto::secret_bytes::copy_of(text);
}

policies::limit_values fast_limits() {
    policies::limit_values limits;
    limits.argon2_ops = 1;
    limits.argon2_memory_kib = 8;
    return limits;
}

struct unlocker_fixture {
    temp_dir state;
    storage::directory directory = storage::directory::open(
        state / "directory.db", crypto::secret_bytes::random(32), storage::open_mode::create_new);
    crypto::user_key_pair keys = crypto::generate_user_key_pair();
    storage::account_id account = directory.create_account("alice@example.org", keys.public_key,
                                                           crypto::secret_bytes::random(32));
    auth::account_unlocker unlocker;

    explicit unlocker_fixture(seconds cache_lifetime = seconds(600))
        : unlocker(cache_lifetime, 2, crypto::test_argon2_params()) {
        directory.add_key_slot(account, auth::slot_kind_of(auth::slot_purpose::login),
                               auth::login_slot_label, seal("correct horse battery"));
    }

    std::vector<unsigned char> seal(std::string_view secret) {
        return auth::seal_slot(keys.secret_key, secret_of(secret), auth::slot_purpose::login,
                               account, fast_limits());
    }

    std::optional<auth::unlocked_account> log_in(std::string_view secret) {
        return unlocker.unlock(auth::find_login_candidate(directory, "alice@example.org"),
                               secret_of(secret));
    }
};

} // namespace

TEST_CASE("unlocker answers a repeated login from the cache", "[auth][unlocker]") {
    unlocker_fixture fixture;
    const auto first = fixture.log_in("correct horse battery");
    REQUIRE(first);
    REQUIRE(fixture.unlocker.unwraps() == 1);

    const auto second = fixture.log_in("correct horse battery");
    REQUIRE(second);
    REQUIRE(fixture.unlocker.unwraps() == 1);
    REQUIRE(fixture.unlocker.cache_hits() == 1);
    REQUIRE(second->account == fixture.account);
    REQUIRE(second->address == "alice@example.org");
    REQUIRE(second->keys.public_key == fixture.keys.public_key);
    REQUIRE(second->keys.secret_key.equals(fixture.keys.secret_key.bytes()));
}

TEST_CASE("unlocker rejects a wrong password with a cached key", "[auth][unlocker]") {
    unlocker_fixture fixture;
    REQUIRE(fixture.log_in("correct horse battery"));
    REQUIRE_FALSE(fixture.log_in("correct horse batterz"));
    // The failure paid Argon2id and left the entry in place.
    REQUIRE(fixture.unlocker.unwraps() == 2);
    REQUIRE(fixture.unlocker.cache().size() == 1);
    REQUIRE(fixture.log_in("correct horse battery"));
    REQUIRE(fixture.unlocker.cache_hits() == 1);
}

TEST_CASE("unlocker drops the old password after a change", "[auth][unlocker]") {
    unlocker_fixture fixture;
    REQUIRE(fixture.log_in("correct horse battery"));
    fixture.directory.replace_key_slot(fixture.account, auth::login_slot_label,
                                       auth::slot_kind_of(auth::slot_purpose::login),
                                       fixture.seal("new password here"));
    REQUIRE_FALSE(fixture.log_in("correct horse battery"));
    REQUIRE(fixture.unlocker.cache().size() == 0);
    REQUIRE(fixture.log_in("new password here"));
}

TEST_CASE("unlocker skips the cache when disabled", "[auth][unlocker]") {
    unlocker_fixture fixture(seconds(0));
    REQUIRE(fixture.log_in("correct horse battery"));
    REQUIRE(fixture.log_in("correct horse battery"));
    REQUIRE(fixture.unlocker.unwraps() == 2);
    REQUIRE(fixture.unlocker.cache_hits() == 0);
}

TEST_CASE("unlocker rejects a disabled account with a cached key", "[auth][unlocker]") {
    unlocker_fixture fixture;
    REQUIRE(fixture.log_in("correct horse battery"));
    fixture.directory.set_account_state(fixture.account, storage::account_state::disabled);
    REQUIRE_FALSE(fixture.log_in("correct horse battery"));
}

TEST_CASE("unlocker runs logins from many threads", "[auth][unlocker]") {
    unlocker_fixture fixture(seconds(0));
    const auto candidate = auth::find_login_candidate(fixture.directory, "alice@example.org");
    std::atomic<int> successes = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            if (fixture.unlocker.unlock(candidate, secret_of("correct horse battery"))) {
                ++successes;
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    REQUIRE(successes == 6);
    REQUIRE(fixture.unlocker.unwraps() == 6);
    // The fixture allows two unwraps at once.
    REQUIRE(fixture.unlocker.unwraps_running_peak() >= 1);
    REQUIRE(fixture.unlocker.unwraps_running_peak() <= 2);
}
