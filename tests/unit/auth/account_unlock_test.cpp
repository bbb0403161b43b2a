#include "src/auth/account_unlock.hpp"

#include "crypto/key_slot.hpp"
#include "crypto/user_keys.hpp"
#include "policies/limits.hpp"
#include "src/auth/account_key_slots.hpp"
#include "storage/directory.hpp"
#include "tests/unit/storage/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace skrynka;
using storage::test::temp_dir;

namespace {

crypto::secret_bytes secret_of(std::string_view text) {
    return crypto::secret_bytes::copy_of(text);
}

// Minimal Argon2id cost keeps each test fast. The cost is stored in each slot.
policies::limit_values fast_limits() {
    policies::limit_values limits;
    limits.argon2_ops = 1;
    limits.argon2_memory_kib = 8;
    return limits;
}

struct account_fixture {
    temp_dir state;
    storage::directory directory = storage::directory::open(
        state / "directory.db", crypto::secret_bytes::random(32), storage::open_mode::create_new);
    crypto::user_key_pair keys = crypto::generate_user_key_pair();
    storage::account_id account =
        directory.create_account("alice@example.org", keys.public_key, crypto::secret_bytes::random(32));

    account_fixture() {
        add_slot(auth::slot_purpose::login, auth::login_slot_label, "correct horse battery");
        add_slot(auth::slot_purpose::recovery, auth::recovery_slot_label, "RECOVERY-CODE-1");
        add_slot(auth::slot_purpose::app_password, auth::app_password_slot_label("phone"),
                 "app-password-for-phone");
    }

    void add_slot(auth::slot_purpose purpose, std::string_view label, std::string_view secret) {
        directory.add_key_slot(account, auth::slot_kind_of(purpose), label,
                               auth::seal_slot(keys.secret_key, secret_of(secret), purpose, account,
                                               fast_limits()));
    }

    std::optional<auth::unlocked_account> unlock(std::string_view name, std::string_view secret) {
        return auth::unlock_account(directory, name, secret_of(secret),
                                    crypto::test_argon2_params());
    }
};

} // namespace

TEST_CASE("unlock opens the login slot", "[auth][unlock]") {
    account_fixture fixture;
    const auto unlocked = fixture.unlock("alice@example.org", "correct horse battery");
    REQUIRE(unlocked);
    REQUIRE(unlocked->account == fixture.account);
    REQUIRE(unlocked->address == "alice@example.org");
    REQUIRE(unlocked->keys.public_key == fixture.keys.public_key);
    REQUIRE(unlocked->keys.secret_key.equals(fixture.keys.secret_key.bytes()));
}

TEST_CASE("unlock accepts any letter case of the address", "[auth][unlock]") {
    account_fixture fixture;
    REQUIRE(fixture.unlock("Alice@Example.ORG", "correct horse battery"));
}

TEST_CASE("unlock opens an app password slot", "[auth][unlock]") {
    account_fixture fixture;
    REQUIRE(fixture.unlock("alice@example.org", "app-password-for-phone"));
}

TEST_CASE("unlock rejects the recovery code", "[auth][unlock]") {
    account_fixture fixture;
    REQUIRE_FALSE(fixture.unlock("alice@example.org", "RECOVERY-CODE-1"));
}

TEST_CASE("unlock rejects a wrong password", "[auth][unlock]") {
    account_fixture fixture;
    REQUIRE_FALSE(fixture.unlock("alice@example.org", "correct horse batterz"));
}

TEST_CASE("unlock rejects unknown and invalid names", "[auth][unlock]") {
    account_fixture fixture;
    REQUIRE_FALSE(fixture.unlock("bob@example.org", "correct horse battery"));
    REQUIRE_FALSE(fixture.unlock("alice", "correct horse battery"));
    REQUIRE_FALSE(fixture.unlock("", "correct horse battery"));
    REQUIRE_FALSE(fixture.unlock("alice@example.org\r\nx", "correct horse battery"));
}

TEST_CASE("unlock rejects a revoked app password", "[auth][unlock]") {
    account_fixture fixture;
    fixture.directory.remove_key_slot_by_label(fixture.account,
                                               auth::app_password_slot_label("phone"));
    REQUIRE_FALSE(fixture.unlock("alice@example.org", "app-password-for-phone"));
    REQUIRE(fixture.unlock("alice@example.org", "correct horse battery"));
}

TEST_CASE("unlock rejects a disabled account", "[auth][unlock]") {
    account_fixture fixture;
    fixture.directory.set_account_state(fixture.account, storage::account_state::disabled);
    REQUIRE_FALSE(fixture.unlock("alice@example.org", "correct horse battery"));
}

TEST_CASE("unlock rejects a slot holding a foreign key", "[auth][unlock]") {
    account_fixture fixture;
    // A slot sealed for this account that wraps some other secret key, as an attacker
    // with write access to the directory could plant.
    const auto foreign = crypto::generate_user_key_pair();
    fixture.directory.replace_key_slot(
        fixture.account, auth::login_slot_label, auth::slot_kind_of(auth::slot_purpose::login),
        auth::seal_slot(foreign.secret_key, secret_of("planted password"),
                        auth::slot_purpose::login, fixture.account, fast_limits()));
    REQUIRE_FALSE(fixture.unlock("alice@example.org", "planted password"));
}
