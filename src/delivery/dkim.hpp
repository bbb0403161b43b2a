// DKIM signing (RFC 6376) with relaxed/relaxed canonicalization (§3.4.2, §3.4.4), for
// rsa-sha256 and ed25519-sha256 (RFC 8463), with keys made and read through Botan.
// Keys live in keys/dkim/DOMAIN/SELECTOR.pem (PKCS #8, mode 0600); the file name is the
// selector and the key type the algorithm.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace Botan {
class Private_Key;
}

namespace skrynka::delivery {

enum class dkim_algorithm { rsa_sha256, ed25519_sha256 };

struct dkim_key {
    std::string domain;
    std::string selector;
    dkim_algorithm algorithm = dkim_algorithm::rsa_sha256;
    std::shared_ptr<Botan::Private_Key> key;
};

// A generated key pair, with the PEM to store and the DNS record to publish.
struct generated_dkim_key {
    std::string selector;
    std::string private_key_pem;
    std::string dns_record; // "SELECTOR._domainkey.DOMAIN. IN TXT \"v=DKIM1; k=...; p=...\""
};

// Makes a 2048-bit RSA key and an Ed25519 key for domain. Their selectors are
// "SELECTOR-rsa" and "SELECTOR-ed25519", because one DNS name publishes one key record.
std::vector<generated_dkim_key> generate_dkim_keys(const std::string& domain,
                                                   const std::string& selector);

// Reads every keys/dkim/DOMAIN/SELECTOR.pem under dkim_directory, by domain. A missing
// folder gives an empty map. Throws std::runtime_error naming the file that is not a
// readable RSA or Ed25519 PKCS #8 key.
std::map<std::string, std::vector<dkim_key>> load_dkim_keys(
    const std::filesystem::path& dkim_directory);

// Returns the relaxed canonical form of one header field "Name: value" given with its
// folding but without its final CR LF: "name:value" CR LF.
std::string canonicalize_header_relaxed(std::string_view field);

// Returns the relaxed canonical form of a message body.
std::string canonicalize_body_relaxed(std::string_view body);

// Returns "DKIM-Signature: ..." CR LF for message (CR LF line ends) signed with key at
// time now. It signs the fields of RFC 6376 §5.4.1's list that the message has.
std::string sign_message(std::string_view message, const dkim_key& key,
                         std::chrono::system_clock::time_point now);

} // namespace skrynka::delivery
