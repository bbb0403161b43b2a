// DKIM signing; see dkim.hpp.
#include "src/delivery/dkim.hpp"

#include <algorithm>
#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/data_src.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace skrynka::delivery {

namespace {

// Header fields signed when present (RFC 6376 §5.4.1 recommends these).
constexpr std::string_view signed_fields[] = {
    "from",       "to",          "cc",       "subject",      "date",
    "message-id", "reply-to",    "in-reply-to", "references", "mime-version",
    "content-type", "content-transfer-encoding",
};

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string lowercase(std::string_view text) {
    std::string result(text);
    for (char& c : result) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return result;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
    return Botan::base64_encode(bytes.data(), bytes.size());
}

// Splits message into header fields (with their folding, without the final CR LF) and
// the body after the empty line.
std::pair<std::vector<std::string_view>, std::string_view> split_message(std::string_view message) {
    std::vector<std::string_view> fields;
    std::size_t position = 0;
    while (position < message.size()) {
        if (message.substr(position, 2) == "\r\n") {
            return {fields, message.substr(position + 2)};
        }
        std::size_t end = position;
        while (true) {
            end = message.find("\r\n", end);
            if (end == std::string_view::npos) {
                fields.push_back(message.substr(position));
                return {fields, std::string_view()};
            }
            if (end + 2 < message.size() && is_wsp(message[end + 2])) {
                end += 2; // a folded continuation line
                continue;
            }
            break;
        }
        fields.push_back(message.substr(position, end - position));
        position = end + 2;
    }
    return {fields, std::string_view()};
}

std::string field_name(std::string_view field) {
    const std::size_t colon = field.find(':');
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) {
        name.remove_suffix(1);
    }
    return lowercase(name);
}

std::vector<std::uint8_t> sha256(std::string_view data) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    hash->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    const Botan::secure_vector<std::uint8_t> digest = hash->final();
    return {digest.begin(), digest.end()};
}

std::string read_text_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw std::runtime_error(fmt::format("cannot read DKIM key {}", path.string()));
    }
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace

std::string canonicalize_header_relaxed(std::string_view field) {
    const std::size_t colon = field.find(':');
    std::string result = field_name(field) + ":";
    std::string_view value = colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);

    // Unfold, then turn every run of WSP into one space, then trim both ends.
    std::string unfolded;
    bool in_space = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\r' || c == '\n') {
            continue;
        }
        if (is_wsp(c)) {
            in_space = true;
            continue;
        }
        if (in_space && !unfolded.empty()) {
            unfolded += ' ';
        }
        in_space = false;
        unfolded += c;
    }
    return result + unfolded + "\r\n";
}

std::string canonicalize_body_relaxed(std::string_view body) {
    std::string result;
    std::size_t position = 0;
    while (position < body.size()) {
        std::size_t end = body.find("\r\n", position);
        const bool last_without_crlf = end == std::string_view::npos;
        std::string_view line = body.substr(position, last_without_crlf ? std::string_view::npos
                                                                         : end - position);
        std::string canonical;
        bool in_space = false;
        for (const char c : line) {
            if (is_wsp(c)) {
                in_space = true;
                continue;
            }
            if (in_space) {
                canonical += ' ';
            }
            in_space = false;
            canonical += c;
        }
        // Trailing WSP is dropped (the pending space is never written).
        result += canonical + "\r\n";
        position = last_without_crlf ? body.size() : end + 2;
    }
    // Empty lines at the end are ignored (RFC 6376 §3.4.4).
    while (result.size() >= 2 && result.ends_with("\r\n\r\n")) {
        result.resize(result.size() - 2);
    }
    if (result == "\r\n") {
        result.clear();
    }
    return result;
}

std::vector<generated_dkim_key> generate_dkim_keys(const std::string& domain,
                                                   const std::string& selector) {
    Botan::AutoSeeded_RNG rng;
    std::vector<generated_dkim_key> keys;

    const Botan::RSA_PrivateKey rsa(rng, 2048);
    generated_dkim_key rsa_key;
    rsa_key.selector = selector + "-rsa";
    rsa_key.private_key_pem = Botan::PKCS8::PEM_encode(rsa);
    rsa_key.dns_record =
        fmt::format("{}._domainkey.{}. IN TXT \"v=DKIM1; k=rsa; p={}\"", rsa_key.selector, domain,
                    base64(Botan::X509::BER_encode(rsa)));
    keys.push_back(std::move(rsa_key));

    const Botan::Ed25519_PrivateKey ed25519(rng);
    generated_dkim_key ed_key;
    ed_key.selector = selector + "-ed25519";
    ed_key.private_key_pem = Botan::PKCS8::PEM_encode(ed25519);
    // RFC 8463 §4: p= is the bare 32-byte public key.
    ed_key.dns_record = fmt::format("{}._domainkey.{}. IN TXT \"v=DKIM1; k=ed25519; p={}\"",
                                    ed_key.selector, domain, base64(ed25519.get_public_key()));
    keys.push_back(std::move(ed_key));
    return keys;
}

std::map<std::string, std::vector<dkim_key>> load_dkim_keys(
    const std::filesystem::path& dkim_directory) {
    std::map<std::string, std::vector<dkim_key>> keys;
    std::error_code error;
    if (!std::filesystem::is_directory(dkim_directory, error)) {
        return keys;
    }
    for (const auto& domain_entry : std::filesystem::directory_iterator(dkim_directory)) {
        if (!domain_entry.is_directory()) {
            continue;
        }
        for (const auto& file : std::filesystem::directory_iterator(domain_entry.path())) {
            if (file.path().extension() != ".pem") {
                continue;
            }
            const std::string pem = read_text_file(file.path());
            Botan::DataSource_Memory source(pem);
            std::shared_ptr<Botan::Private_Key> key;
            try {
                key = Botan::PKCS8::load_key(source);
            } catch (const std::exception& failure) {
                throw std::runtime_error(fmt::format("invalid DKIM key {}: {}",
                                                     file.path().string(), failure.what()));
            }
            dkim_key loaded;
            loaded.domain = domain_entry.path().filename().string();
            loaded.selector = file.path().stem().string();
            if (key->algo_name() == "RSA") {
                loaded.algorithm = dkim_algorithm::rsa_sha256;
            } else if (key->algo_name() == "Ed25519") {
                loaded.algorithm = dkim_algorithm::ed25519_sha256;
            } else {
                throw std::runtime_error(fmt::format("DKIM key {} is {}, expected RSA or Ed25519",
                                                     file.path().string(), key->algo_name()));
            }
            loaded.key = std::move(key);
            keys[loaded.domain].push_back(std::move(loaded));
        }
    }
    return keys;
}

std::string sign_message(std::string_view message, const dkim_key& key,
                         std::chrono::system_clock::time_point now) {
    const auto [fields, body] = split_message(message);
    const std::string body_hash = base64(sha256(canonicalize_body_relaxed(body)));

    // Verifiers take the last instance of a field first (RFC 6376 §5.4.2), so each listed
    // name covers the bottom-most field of that name.
    std::string names;
    std::string signed_data;
    for (const std::string_view name : signed_fields) {
        for (auto field = fields.rbegin(); field != fields.rend(); ++field) {
            if (field_name(*field) == name) {
                names += names.empty() ? "" : ":";
                names += name;
                signed_data += canonicalize_header_relaxed(*field);
                break;
            }
        }
    }

    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const std::string_view algorithm =
        key.algorithm == dkim_algorithm::rsa_sha256 ? "rsa-sha256" : "ed25519-sha256";
    const std::string unsigned_field =
        fmt::format("DKIM-Signature: v=1; a={}; c=relaxed/relaxed; d={}; s={}; t={};\r\n"
                    "\th={};\r\n\tbh={};\r\n\tb=",
                    algorithm, key.domain, key.selector, seconds, names, body_hash);
    // The signature covers its own field with an empty b=, without the final CR LF
    // (RFC 6376 §3.7).
    std::string canonical_self = canonicalize_header_relaxed(unsigned_field);
    canonical_self.resize(canonical_self.size() - 2);
    signed_data += canonical_self;

    Botan::AutoSeeded_RNG rng;
    std::vector<std::uint8_t> signature;
    if (key.algorithm == dkim_algorithm::rsa_sha256) {
        Botan::PK_Signer signer(*key.key, rng, "EMSA3(SHA-256)");
        signature = signer.sign_message(reinterpret_cast<const std::uint8_t*>(signed_data.data()),
                                        signed_data.size(), rng);
    } else {
        // RFC 8463 §3: Ed25519 (PureEdDSA) signs the SHA-256 hash of the data.
        const std::vector<std::uint8_t> digest = sha256(signed_data);
        Botan::PK_Signer signer(*key.key, rng, "Pure");
        signature = signer.sign_message(digest.data(), digest.size(), rng);
    }
    return unsigned_field + base64(signature) + "\r\n";
}

} // namespace skrynka::delivery
