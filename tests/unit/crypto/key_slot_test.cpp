#include "crypto/key_slot.hpp"

#include "crypto/error.hpp"
#include "crypto/user_keys.hpp"

#include <catch2/catch.hpp>

#include <string_view>

using namespace skrynka::crypto;

namespace {

secret_bytes password_of(std::string_view text) { return secret_bytes::copy_of(text); }

// Runs f and checks that it throws crypto_error with the expected code.
template <typename Function>
void require_crypto_error(Function f, errc expected) {
    try {
        f();
        FAIL("no crypto_error was thrown");
    } catch (const crypto_error& error) {
        REQUIRE(error.code() == expected);
    }
}

struct sealed_account {
    user_key_pair keys = generate_user_key_pair();
    key_slot slot;
};

sealed_account seal_login(std::string_view password, std::string_view context = "account-1") {
    sealed_account account;
    account.slot = seal_key_slot(slot_kind::login, password_of(password), account.keys.secret_key,
                                 context, test_argon2_params());
    return account;
}

} // namespace

TEST_CASE("key slot opens with its password", "[crypto][key_slot]") {
    auto account = seal_login("correct horse");
    auto opened = open_key_slot(account.slot, password_of("correct horse"), "account-1");
    REQUIRE(opened);
    REQUIRE(opened->equals(account.keys.secret_key.bytes()));
    REQUIRE(user_keys_match(account.keys.public_key, *opened));
}

TEST_CASE("key slot rejects wrong password", "[crypto][key_slot]") {
    auto account = seal_login("correct horse");
    REQUIRE_FALSE(open_key_slot(account.slot, password_of("correct hors"), "account-1"));
    REQUIRE_FALSE(open_key_slot(account.slot, password_of("Correct horse"), "account-1"));
    REQUIRE_FALSE(open_key_slot(account.slot, secret_bytes{}, "account-1"));
}

TEST_CASE("key slot rejects another account context", "[crypto][key_slot]") {
    auto account = seal_login("correct horse", "account-1");
    REQUIRE_FALSE(open_key_slot(account.slot, password_of("correct horse"), "account-2"));
    REQUIRE_FALSE(open_key_slot(account.slot, password_of("correct horse"), "account-10"));
}

TEST_CASE("key slot works for each kind", "[crypto][key_slot]") {
    auto keys = generate_user_key_pair();
    for (auto kind : {slot_kind::login, slot_kind::app_password, slot_kind::recovery}) {
        auto slot = seal_key_slot(kind, password_of("secret"), keys.secret_key, "account-1",
                                  test_argon2_params());
        REQUIRE(slot.kind == kind);

        auto decoded = decode_key_slot(encode_key_slot(slot));
        REQUIRE(decoded.kind == kind);
        auto opened = open_key_slot(decoded, password_of("secret"), "account-1");
        REQUIRE(opened);
        REQUIRE(opened->equals(keys.secret_key.bytes()));
    }
}

TEST_CASE("key slot kind edit is detected", "[crypto][key_slot]") {
    auto keys = generate_user_key_pair();
    auto slot = seal_key_slot(slot_kind::app_password, password_of("app"), keys.secret_key,
                              "account-1", test_argon2_params());
    for (auto kind : {slot_kind::login, slot_kind::recovery}) {
        auto edited = slot;
        edited.kind = kind;
        REQUIRE_FALSE(open_key_slot(edited, password_of("app"), "account-1"));
    }
}

TEST_CASE("key slot params edit is detected", "[crypto][key_slot]") {
    auto account = seal_login("pw");
    auto edited = account.slot;
    edited.params.mem_limit_bytes *= 2;
    REQUIRE_FALSE(open_key_slot(edited, password_of("pw"), "account-1"));

    edited = account.slot;
    edited.params.ops_limit += 1;
    REQUIRE_FALSE(open_key_slot(edited, password_of("pw"), "account-1"));
}

TEST_CASE("key slot encoding round trips", "[crypto][key_slot]") {
    auto account = seal_login("pw");
    auto encoded = encode_key_slot(account.slot);
    REQUIRE(encoded.size() == encoded_key_slot_size);
    REQUIRE(encoded[0] == key_slot_version);
    REQUIRE(encoded[1] == static_cast<unsigned char>(slot_kind::login));

    auto decoded = decode_key_slot(encoded);
    REQUIRE(decoded.version == account.slot.version);
    REQUIRE(decoded.kind == account.slot.kind);
    REQUIRE(decoded.params == account.slot.params);
    REQUIRE(decoded.salt == account.slot.salt);
    REQUIRE(decoded.nonce == account.slot.nonce);
    REQUIRE(decoded.ciphertext == account.slot.ciphertext);
    REQUIRE(encode_key_slot(decoded) == encoded);
}

TEST_CASE("key slot params round trip", "[crypto][key_slot]") {
    auto keys = generate_user_key_pair();
    argon2_params params{2, 3 * 8192 + 1};
    auto slot =
        seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key, "account-1", params);
    auto decoded = decode_key_slot(encode_key_slot(slot));
    REQUIRE(decoded.params.ops_limit == 2);
    REQUIRE(decoded.params.mem_limit_bytes == 3 * 8192 + 1);
}

TEST_CASE("key slot opens after defaults change", "[crypto][key_slot]") {
    // A slot carries the parameters it was sealed with, so a configuration that moves to
    // stronger parameters still opens every older slot.
    auto keys = generate_user_key_pair();
    argon2_params old_params = test_argon2_params();
    argon2_params new_params{old_params.ops_limit + 1, old_params.mem_limit_bytes * 2};

    auto old_slot = seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key,
                                  "account-1", old_params);
    auto new_slot = seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key,
                                  "account-1", new_params);

    auto old_decoded = decode_key_slot(encode_key_slot(old_slot));
    REQUIRE(old_decoded.params == old_params);
    REQUIRE(old_decoded.params != new_params);
    REQUIRE(open_key_slot(old_decoded, password_of("pw"), "account-1"));
    REQUIRE(open_key_slot(new_slot, password_of("pw"), "account-1"));
}

TEST_CASE("key slot salts and nonces are fresh", "[crypto][key_slot]") {
    auto keys = generate_user_key_pair();
    auto first = seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key, "account-1",
                               test_argon2_params());
    auto second = seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key, "account-1",
                                test_argon2_params());
    REQUIRE(first.salt != second.salt);
    REQUIRE(first.nonce != second.nonce);
    REQUIRE(first.ciphertext != second.ciphertext);
}

TEST_CASE("key slot login fails after revocation", "[crypto][key_slot]") {
    // The account keeps a list of slots; a login tries each one. Revoking an app
    // password deletes its slot, after which that password opens nothing.
    auto keys = generate_user_key_pair();
    std::vector<key_slot> slots;
    slots.push_back(seal_key_slot(slot_kind::login, password_of("main"), keys.secret_key,
                                  "account-1", test_argon2_params()));
    slots.push_back(seal_key_slot(slot_kind::app_password, password_of("phone"), keys.secret_key,
                                  "account-1", test_argon2_params()));

    auto login = [&](std::string_view password) {
        for (const auto& slot : slots) {
            if (open_key_slot(slot, password_of(password), "account-1")) {
                return true;
            }
        }
        return false;
    };

    REQUIRE(login("phone"));
    slots.erase(slots.begin() + 1);
    REQUIRE_FALSE(login("phone"));
    REQUIRE(login("main"));
}

TEST_CASE("key slot detects every flipped byte", "[crypto][key_slot]") {
    auto account = seal_login("pw");
    auto encoded = encode_key_slot(account.slot);

    for (unsigned char mask : {0x01, 0x80, 0xff}) {
        for (std::size_t i = 0; i < encoded.size(); ++i) {
            INFO("byte " << i << " mask " << int(mask));
            auto tampered = encoded;
            tampered[i] ^= mask;

            if (i == 0) {
                require_crypto_error([&] { decode_key_slot(tampered); },
                                     errc::unsupported_version);
                continue;
            }
            // A flipped kind or parameter either leaves the range decode accepts, or
            // decodes and then fails to authenticate. Nothing else may happen.
            key_slot decoded;
            try {
                decoded = decode_key_slot(tampered);
            } catch (const crypto_error& error) {
                REQUIRE(i < 18);
                REQUIRE(error.code() == errc::invalid_format);
                continue;
            }
            REQUIRE_FALSE(open_key_slot(decoded, password_of("pw"), "account-1"));
        }
    }
}

TEST_CASE("key slot decode rejects every truncation", "[crypto][key_slot]") {
    auto encoded = encode_key_slot(seal_login("pw").slot);
    for (std::size_t size = 0; size < encoded.size(); ++size) {
        INFO("size " << size);
        std::span<const unsigned char> truncated(encoded.data(), size);
        require_crypto_error([&] { decode_key_slot(truncated); }, errc::invalid_format);
    }

    auto extended = encoded;
    extended.push_back(0);
    require_crypto_error([&] { decode_key_slot(extended); }, errc::invalid_format);
}

TEST_CASE("key slot decode checks field ranges", "[crypto][key_slot]") {
    auto encoded = encode_key_slot(seal_login("pw").slot);

    for (unsigned char kind : {0, 4, 255}) {
        auto edited = encoded;
        edited[1] = kind;
        require_crypto_error([&] { decode_key_slot(edited); }, errc::invalid_format);
    }

    auto zero_ops = encoded;
    std::fill(zero_ops.begin() + 2, zero_ops.begin() + 10, 0);
    require_crypto_error([&] { decode_key_slot(zero_ops); }, errc::invalid_format);

    auto huge_memory = encoded;
    huge_memory[17] = 0x01; // 2^56 bytes
    require_crypto_error([&] { decode_key_slot(huge_memory); }, errc::invalid_format);

    auto version_two = encoded;
    version_two[0] = 2;
    require_crypto_error([&] { decode_key_slot(version_two); }, errc::unsupported_version);
}

TEST_CASE("argon2 params validation checks ranges", "[crypto][key_slot]") {
    REQUIRE(argon2_params_valid(default_argon2_params()));
    REQUIRE(argon2_params_valid(test_argon2_params()));
    REQUIRE(argon2_params_valid({argon2_max_ops_limit, argon2_max_mem_limit_bytes}));
    REQUIRE_FALSE(argon2_params_valid({0, argon2_min_mem_limit_bytes}));
    REQUIRE_FALSE(argon2_params_valid({argon2_max_ops_limit + 1, argon2_min_mem_limit_bytes}));
    REQUIRE_FALSE(argon2_params_valid({1, argon2_min_mem_limit_bytes - 1}));
    REQUIRE_FALSE(argon2_params_valid({1, argon2_max_mem_limit_bytes + 1}));
}

TEST_CASE("key slot seal rejects bad arguments", "[crypto][key_slot]") {
    auto keys = generate_user_key_pair();
    auto params = test_argon2_params();

    require_crypto_error(
        [&] { seal_key_slot(slot_kind::login, secret_bytes{}, keys.secret_key, "a", params); },
        errc::invalid_argument);
    require_crypto_error(
        [&] { seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key, "", params); },
        errc::invalid_argument);
    require_crypto_error(
        [&] { seal_key_slot(slot_kind::login, password_of("pw"), secret_bytes(31), "a", params); },
        errc::invalid_argument);
    require_crypto_error(
        [&] {
            seal_key_slot(static_cast<slot_kind>(0), password_of("pw"), keys.secret_key, "a",
                          params);
        },
        errc::invalid_argument);
    require_crypto_error(
        [&] {
            seal_key_slot(slot_kind::login, password_of("pw"), keys.secret_key, "a",
                          {0, argon2_min_mem_limit_bytes});
        },
        errc::invalid_argument);
}

TEST_CASE("key slot open rejects malformed slot", "[crypto][key_slot]") {
    auto account = seal_login("pw");

    auto bad_params = account.slot;
    bad_params.params.mem_limit_bytes = argon2_max_mem_limit_bytes + 1;
    require_crypto_error([&] { open_key_slot(bad_params, password_of("pw"), "account-1"); },
                         errc::invalid_format);

    auto bad_version = account.slot;
    bad_version.version = 9;
    require_crypto_error([&] { open_key_slot(bad_version, password_of("pw"), "account-1"); },
                         errc::unsupported_version);
    require_crypto_error([&] { encode_key_slot(bad_version); }, errc::invalid_format);

    require_crypto_error([&] { open_key_slot(account.slot, password_of("pw"), ""); },
                         errc::invalid_argument);
}

TEST_CASE("unknown user cost function runs", "[crypto][key_slot]") {
    REQUIRE_NOTHROW(spend_failed_login_cost(password_of("guess"), test_argon2_params()));
    REQUIRE_NOTHROW(spend_failed_login_cost(secret_bytes{}, test_argon2_params()));
    require_crypto_error(
        [&] { spend_failed_login_cost(password_of("guess"), {0, argon2_min_mem_limit_bytes}); },
        errc::invalid_argument);
}
