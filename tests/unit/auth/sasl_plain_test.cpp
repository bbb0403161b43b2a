#include "src/auth/sasl_plain.hpp"

#include "crypto/encoding.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <variant>

using namespace skrynka;
using auth::decode_sasl_plain;
using auth::plain_credentials;
using auth::sasl_error;

namespace {

std::string base64_of(const std::string& text) {
    return crypto::base64_encode(
        std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

const plain_credentials& credentials_of(const std::variant<plain_credentials, sasl_error>& result) {
    REQUIRE(std::holds_alternative<plain_credentials>(result));
    return std::get<plain_credentials>(result);
}

sasl_error error_of(const std::variant<plain_credentials, sasl_error>& result) {
    REQUIRE(std::holds_alternative<sasl_error>(result));
    return std::get<sasl_error>(result);
}

} // namespace

TEST_CASE("sasl plain accepts an empty authzid", "[auth][sasl]") {
    const auto result = decode_sasl_plain("AGFsaWNlAHNlY3JldA=="); // \0alice\0secret
    const auto& credentials = credentials_of(result);
    REQUIRE(credentials.authentication_identity == "alice");
    REQUIRE(credentials.authorization_identity == "alice");
    REQUIRE(credentials.password.equals(crypto::secret_bytes::copy_of("secret").bytes()));
}

TEST_CASE("sasl plain accepts authzid equal to authcid", "[auth][sasl]") {
    const auto result = decode_sasl_plain("YWxpY2UAYWxpY2UAc2VjcmV0"); // alice\0alice\0secret
    REQUIRE(credentials_of(result).authentication_identity == "alice");
}

TEST_CASE("sasl plain compares addresses in canonical form", "[auth][sasl]") {
    const auto result = decode_sasl_plain(base64_of(std::string("Alice@Example.ORG\0alice@example.org\0pw", 38)));
    REQUIRE(credentials_of(result).authentication_identity == "alice@example.org");
}

TEST_CASE("sasl plain denies acting as another user", "[auth][sasl]") {
    // bob\0alice\0secret: alice asks to act as bob.
    REQUIRE(error_of(decode_sasl_plain("Ym9iAGFsaWNlAHNlY3JldA==")) ==
            sasl_error::authorization_denied);
}

TEST_CASE("sasl plain rejects an empty authcid", "[auth][sasl]") {
    // alice\0\0secret must never log in as alice.
    REQUIRE(error_of(decode_sasl_plain("YWxpY2UAAHNlY3JldA==")) == sasl_error::malformed);
}

TEST_CASE("sasl plain rejects an empty password", "[auth][sasl]") {
    REQUIRE(error_of(decode_sasl_plain(base64_of(std::string("\0alice\0", 7)))) ==
            sasl_error::malformed);
}

TEST_CASE("sasl plain decodes a wrong password unchanged", "[auth][sasl]") {
    const auto result = decode_sasl_plain("AGFsaWNlAHdyb25n"); // \0alice\0wrong
    REQUIRE(credentials_of(result).password.equals(crypto::secret_bytes::copy_of("wrong").bytes()));
}

TEST_CASE("sasl plain rejects malformed responses", "[auth][sasl]") {
    const std::string cases[] = {
        "",                                                // nothing
        "*",                                               // the cancel marker is not base64
        "not base64!",                                     // bad alphabet
        "AGFsaWNlAHNlY3JldA",                              // padding missing
        base64_of("alice"),                                // no NUL at all
        base64_of(std::string("\0alice", 6)),              // one NUL
        base64_of(std::string("\0alice\0se\0cret", 15)),   // a NUL in the password
    };
    for (const auto& response : cases) {
        INFO("response '" << response << "'");
        REQUIRE(error_of(decode_sasl_plain(response)) == sasl_error::malformed);
    }
}

TEST_CASE("sasl plain field limit is 255 octets", "[auth][sasl]") {
    const std::string longest(255, 'p');
    const auto accepted = decode_sasl_plain(base64_of(std::string("\0alice\0", 7) + longest));
    REQUIRE(credentials_of(accepted).password.size() == 255);

    const auto rejected = decode_sasl_plain(base64_of(std::string("\0alice\0", 7) + longest + "p"));
    REQUIRE(error_of(rejected) == sasl_error::malformed);

    const std::string long_name(256, 'a');
    REQUIRE(error_of(decode_sasl_plain(base64_of("\0" + long_name + std::string("\0pw", 3)))) ==
            sasl_error::malformed);
}
