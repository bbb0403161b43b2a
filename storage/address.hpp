// Canonical form of mail addresses as the directory stores and compares them.
#pragma once

#include <string>
#include <string_view>

namespace skrynka::storage {

// Returns the canonical form of local@domain. ASCII letters in both the local part and
// the domain are lowercased, and every other byte (including the UTF-8 of
// internationalized addresses) is kept as is. Local parts therefore compare
// case-insensitively for ASCII. RFC 5321 allows case-sensitive local parts, but people
// type their address in any case, so skrynka folds them like most mail servers.
//
// Throws storage_error(invalid_argument) when the address is not exactly one '@' between
// a non-empty local part of at most 64 bytes and a non-empty domain of at most 253 bytes,
// or contains a control character, space, '<', '>' or a byte 0x7f.
std::string canonical_address(std::string_view address);

// An address split at the first '+' of its local part (subaddressing, RFC 5233):
// "alice+lists@example.org" gives base "alice@example.org" and tag "lists".
struct subaddress {
    std::string base;
    std::string tag;
    bool has_tag = false;
};

// Splits a canonical address. An address without '+' gives itself with no tag.
subaddress split_subaddress(std::string_view canonical);

} // namespace skrynka::storage
