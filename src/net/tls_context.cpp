// Server TLS contexts; see tls_context.hpp.
#include "src/net/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace skrynka::net {

namespace {

// TLS 1.2 suites with forward secrecy and AEAD only. TLS 1.3 suites are OpenSSL's
// defaults, which are all AEAD.
constexpr const char* tls12_ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL";

std::string openssl_reason() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

} // namespace

std::shared_ptr<boost::asio::ssl::context>
make_server_tls_context(const std::filesystem::path& certificate_file,
                        const std::filesystem::path& key_file) {
    auto context =
        std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();

    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    // No compression (CRIME), no renegotiation, and our suite order, which puts AES-GCM
    // and ChaCha20 ahead of whatever the client lists first.
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
        throw std::runtime_error(fmt::format("invalid TLS 1.2 cipher list: {}", openssl_reason()));
    }

    ERR_clear_error();
    if (SSL_CTX_use_certificate_chain_file(native, certificate_file.c_str()) != 1) {
        throw std::runtime_error(fmt::format("failed to load TLS certificate chain {}: {}",
                                             certificate_file.string(), openssl_reason()));
    }
    if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        throw std::runtime_error(fmt::format("failed to load TLS private key {}: {}",
                                             key_file.string(), openssl_reason()));
    }
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error(fmt::format("TLS private key {} does not match certificate {}: {}",
                                             key_file.string(), certificate_file.string(),
                                             openssl_reason()));
    }
    return context;
}

tls_context_store::tls_context_store(std::filesystem::path certificate_file,
                                     std::filesystem::path key_file)
    : certificate_file_(std::move(certificate_file)), key_file_(std::move(key_file)),
      context_(make_server_tls_context(certificate_file_, key_file_)) {}

bool tls_context_store::reload() {
    std::shared_ptr<boost::asio::ssl::context> fresh;
    try {
        fresh = make_server_tls_context(certificate_file_, key_file_);
    } catch (const std::runtime_error& error) {
        spdlog::error("event=tls_reload_failed error=\"{}\" action=kept_previous_certificate",
                      error.what());
        return false;
    }
    {
        std::lock_guard lock(mutex_);
        context_ = std::move(fresh);
    }
    spdlog::info("event=tls_reloaded certificate={}", certificate_file_.string());
    return true;
}

std::shared_ptr<boost::asio::ssl::context> tls_context_store::current() const {
    std::lock_guard lock(mutex_);
    return context_;
}

} // namespace skrynka::net
