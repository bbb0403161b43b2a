#include "src/cli/self_signed_certificate.hpp"

#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/x509self.h>
#include <cstring>
#include <string_view>

namespace skrynka::app::cli {

namespace {

constexpr std::uint32_t validity_seconds = 365 * 24 * 60 * 60;

// Encodes DER as PEM without passing through std::string: Botan's PEM_Code::encode
// returns one, and a key must stay in memory that is wiped when freed.
crypto::secret_bytes encode_private_key_pem(const Botan::secure_vector<std::uint8_t>& der) {
    constexpr std::string_view header = "-----BEGIN PRIVATE KEY-----\n";
    constexpr std::string_view footer = "-----END PRIVATE KEY-----\n";
    constexpr std::size_t bytes_per_line =
        48; // 64 base64 characters per line (RFC 7468, section 2)

    std::size_t line_count = (der.size() + bytes_per_line - 1) / bytes_per_line;
    std::size_t capacity =
        header.size() + footer.size() + Botan::base64_encode_max_output(der.size()) + line_count;
    crypto::secret_bytes buffer(capacity);
    char* out = reinterpret_cast<char*>(buffer.data());
    std::size_t length = 0;

    std::memcpy(out, header.data(), header.size());
    length += header.size();
    for (std::size_t offset = 0; offset < der.size(); offset += bytes_per_line) {
        std::size_t chunk = std::min(bytes_per_line, der.size() - offset);
        std::size_t consumed = 0;
        length += Botan::base64_encode(out + length, der.data() + offset, chunk, consumed, true);
        out[length++] = '\n';
    }
    std::memcpy(out + length, footer.data(), footer.size());
    length += footer.size();

    return crypto::secret_bytes::copy_of(buffer.bytes().first(length));
}

} // namespace

self_signed_certificate make_self_signed_certificate(const std::string& hostname,
                                                     bool include_loopback) {
    Botan::AutoSeeded_RNG rng;
    Botan::ECDSA_PrivateKey key(rng, Botan::EC_Group("secp256r1"));

    Botan::X509_Cert_Options options("", validity_seconds);
    options.common_name = hostname;
    options.dns = hostname;
    if (include_loopback) {
        options.ip = "127.0.0.1";
    }
    options.constraints = Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE);
    options.add_ex_constraint("PKIX.ServerAuth");

    Botan::X509_Certificate certificate =
        Botan::X509::create_self_signed_cert(options, key, "SHA-256", rng);
    return {certificate.PEM_encode(), encode_private_key_pem(Botan::PKCS8::BER_encode(key))};
}

} // namespace skrynka::app::cli
