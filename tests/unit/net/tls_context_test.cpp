#include "src/net/tls_context.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

using skrynka::net::make_server_tls_context;

TEST_CASE("TLS context names a missing certificate file", "[net][tls]") {
    try {
        make_server_tls_context("/nonexistent/cert.pem", "/nonexistent/key.pem");
        FAIL("expected an exception");
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        CHECK(message.find("failed to load TLS certificate chain /nonexistent/cert.pem") == 0);
    }
}
