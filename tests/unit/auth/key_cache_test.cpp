#include "src/auth/key_cache.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace skrynka;
using std::chrono::seconds;

namespace {

crypto::secret_bytes secret_of(std::string_view text) {
    return crypto::secret_bytes::copy_of(text);
}

auth::slot_set_fingerprint fingerprint_with(unsigned char first_byte) {
    auth::slot_set_fingerprint fingerprint{};
    fingerprint[0] = first_byte;
    return fingerprint;
}

storage::key_slot slot_with(storage::key_slot_id id, std::string label,
                            std::vector<unsigned char> blob) {
    storage::key_slot slot;
    slot.id = id;
    slot.account = 7;
    slot.kind = 1;
    slot.label = std::move(label);
    slot.blob = std::move(blob);
    return slot;
}

// Returns one fingerprint for every account the sweep asks about.
auto always(auth::slot_set_fingerprint fingerprint) {
    return [fingerprint](storage::account_id) -> std::optional<auth::slot_set_fingerprint> {
        return fingerprint;
    };
}

struct cache_fixture {
    auth::key_cache cache{seconds(600)};
    crypto::secret_bytes user_key = crypto::secret_bytes::random(32);
    auth::slot_set_fingerprint fingerprint = fingerprint_with(1);
};

} // namespace

TEST_CASE("key cache returns the key for the same secret", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("correct horse"), fixture.user_key);
    const auto found = fixture.cache.find(7, fixture.fingerprint, secret_of("correct horse"));
    REQUIRE(found);
    REQUIRE(found->equals(fixture.user_key.bytes()));
}

TEST_CASE("key cache misses for another secret", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("correct horse"), fixture.user_key);
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("correct hors")));
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("correct horse ")));
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("")));
    REQUIRE_FALSE(fixture.cache.find(8, fixture.fingerprint, secret_of("correct horse")));
}

TEST_CASE("key cache keeps its entry after a wrong secret", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("correct horse"), fixture.user_key);
    for (int attempt = 0; attempt < 10; ++attempt) {
        REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("guess")));
    }
    REQUIRE(fixture.cache.size() == 1);
    REQUIRE(fixture.cache.find(7, fixture.fingerprint, secret_of("correct horse")));
}

TEST_CASE("key cache evicts on a changed fingerprint", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("correct horse"), fixture.user_key);
    REQUIRE_FALSE(fixture.cache.find(7, fingerprint_with(2), secret_of("correct horse")));
    REQUIRE(fixture.cache.size() == 0);
    // The old fingerprint does not bring it back.
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("correct horse")));
}

TEST_CASE("key cache remembers several secrets of one account", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("login"), fixture.user_key);
    fixture.cache.store(7, fixture.fingerprint, secret_of("app password"), fixture.user_key);
    REQUIRE(fixture.cache.find(7, fixture.fingerprint, secret_of("login")));
    REQUIRE(fixture.cache.find(7, fixture.fingerprint, secret_of("app password")));
}

TEST_CASE("key cache drops the oldest secret beyond the maximum", "[auth][key_cache]") {
    cache_fixture fixture;
    const std::size_t count = auth::key_cache::secrets_per_entry_max + 1;
    for (std::size_t i = 0; i < count; ++i) {
        fixture.cache.store(7, fixture.fingerprint, secret_of("secret " + std::to_string(i)),
                            fixture.user_key);
    }
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("secret 0")));
    REQUIRE(fixture.cache.find(7, fixture.fingerprint, secret_of("secret 1")));
    REQUIRE(fixture.cache.find(7, fixture.fingerprint,
                               secret_of("secret " + std::to_string(count - 1))));
}

TEST_CASE("key cache with zero lifetime keeps nothing", "[auth][key_cache]") {
    auth::key_cache cache(seconds(0));
    const auto key = crypto::secret_bytes::random(32);
    cache.store(7, fingerprint_with(1), secret_of("correct horse"), key);
    REQUIRE(cache.size() == 0);
    REQUIRE_FALSE(cache.find(7, fingerprint_with(1), secret_of("correct horse")));
}

TEST_CASE("key cache expires a lifetime after the last session", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("correct horse"), fixture.user_key);
    auto first = fixture.cache.open_session(7);
    auto second = fixture.cache.open_session(7);
    const auto later = auth::key_cache::clock::now() + seconds(3600);

    // Sessions keep the entry however old it is.
    fixture.cache.sweep(always(fixture.fingerprint), later);
    REQUIRE(fixture.cache.size() == 1);
    { auto ended = std::move(first); }
    fixture.cache.sweep(always(fixture.fingerprint), later);
    REQUIRE(fixture.cache.size() == 1);

    { auto ended = std::move(second); }
    const auto ended_at = auth::key_cache::clock::now();
    fixture.cache.sweep(always(fixture.fingerprint), ended_at + seconds(599));
    REQUIRE(fixture.cache.size() == 1);
    fixture.cache.sweep(always(fixture.fingerprint), ended_at + seconds(601));
    REQUIRE(fixture.cache.size() == 0);
}

TEST_CASE("key cache sweep evicts changed and missing accounts", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("a"), fixture.user_key);
    fixture.cache.store(8, fixture.fingerprint, secret_of("b"), fixture.user_key);
    fixture.cache.store(9, fixture.fingerprint, secret_of("c"), fixture.user_key);
    auto sessions = std::vector<auth::key_cache::lease>{};
    for (storage::account_id account : {7, 8, 9}) {
        sessions.push_back(fixture.cache.open_session(account));
    }

    fixture.cache.sweep([&](storage::account_id account) -> std::optional<auth::slot_set_fingerprint> {
        if (account == 8) {
            return fingerprint_with(2); // a password changed in another process
        }
        if (account == 9) {
            return std::nullopt; // wiped or disabled
        }
        return fixture.fingerprint;
    });
    REQUIRE(fixture.cache.size() == 1);
    REQUIRE(fixture.cache.find(7, fixture.fingerprint, secret_of("a")));
}

TEST_CASE("key cache evict wipes one account", "[auth][key_cache]") {
    cache_fixture fixture;
    fixture.cache.store(7, fixture.fingerprint, secret_of("a"), fixture.user_key);
    fixture.cache.store(8, fixture.fingerprint, secret_of("b"), fixture.user_key);
    fixture.cache.evict(7);
    REQUIRE_FALSE(fixture.cache.find(7, fixture.fingerprint, secret_of("a")));
    REQUIRE(fixture.cache.find(8, fixture.fingerprint, secret_of("b")));
}

TEST_CASE("key cache lease may outlive the cache", "[auth][key_cache]") {
    auth::key_cache::lease lease;
    {
        auth::key_cache cache(seconds(600));
        lease = cache.open_session(7);
    }
    // Destroying the lease now must not touch freed memory (checked under sanitizers).
    lease = auth::key_cache::lease{};
    SUCCEED();
}

TEST_CASE("slot fingerprint changes with every slot field", "[auth][key_cache]") {
    const std::vector<storage::key_slot> base{slot_with(1, "login", {1, 2, 3})};
    const auto original = auth::fingerprint_of(base);
    REQUIRE(auth::fingerprint_of(base) == original);
    REQUIRE(auth::fingerprint_of({slot_with(1, "login", {1, 2, 4})}) != original);
    REQUIRE(auth::fingerprint_of({slot_with(2, "login", {1, 2, 3})}) != original);
    REQUIRE(auth::fingerprint_of({slot_with(1, "logins", {1, 2, 3})}) != original);
    REQUIRE(auth::fingerprint_of({}) != original);
    REQUIRE(auth::fingerprint_of({slot_with(1, "login", {1, 2, 3}),
                                  slot_with(2, "app-password:phone", {9})}) != original);
    // Length prefixes keep a label byte from passing for a blob byte.
    REQUIRE(auth::fingerprint_of({slot_with(1, "login\x01", {2, 3})}) != original);
}
