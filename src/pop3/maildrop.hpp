// What the POP3 session engine needs from the rest of the server: a login that opens
// and locks a maildrop, and the maildrop itself. The engine depends only on these
// interfaces, so transcripts and the fuzzer run it without storage, crypto or sockets.
#pragma once

#include "crypto/secret.hpp"

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::pop3 {

// One message as the session lists it.
struct maildrop_message {
    std::uint64_t size = 0; // octets RETR sends before stuffing: the stored message size
    // The UIDL unique-id (RFC 1939 section 7): 1 to 70 octets in 0x21 to 0x7E, the same
    // in every session, never given to another message of this maildrop.
    std::string unique_id;
};

// An opened maildrop, locked for one session in the TRANSACTION state (RFC 1939
// section 8). Destroying it releases the lock and deletes nothing.
class maildrop {
  public:
    virtual ~maildrop() = default;

    // The messages when the session entered the TRANSACTION state; message number n is
    // element n - 1. The list never changes during the session.
    virtual const std::vector<maildrop_message>& messages() const = 0;

    // Returns up to length octets of message index (0-based) from offset; fewer only at
    // the end of the message. Throws when the message cannot be read or decrypted.
    virtual boost::asio::awaitable<std::string> read(std::size_t index, std::uint64_t offset,
                                                     std::size_t length) = 0;

    // Deletes the messages with these indexes for good (the UPDATE state, RFC 1939
    // section 6). Throws when the deletion failed; then nothing was deleted.
    virtual boost::asio::awaitable<void> remove(std::vector<std::size_t> indexes) = 0;
};

enum class login_status {
    success,           // `drop` is open and locked
    invalid,           // unknown name or wrong password; the reply does not say which
    in_use,            // the credentials are right, but another session holds the lock
    rate_limited,      // too many failures from this client or for this name
    temporary_failure, // storage or crypto failed; logged by the authenticator
};

struct login_result {
    login_status status = login_status::invalid;
    std::unique_ptr<maildrop> drop;
    std::string user; // canonical address after success, for log lines
};

// Checks credentials and opens the account's INBOX as a maildrop. The password is
// guarded memory from the moment the engine parsed it.
class authenticator {
  public:
    virtual ~authenticator() = default;
    virtual boost::asio::awaitable<login_result> login(std::string_view name,
                                                       crypto::secret_bytes password) = 0;
    // Records a login rejected before any password was checked, because it came in
    // cleartext where TLS is required. name is empty unless the command was USER. The
    // session sends its refusal after this completes.
    virtual boost::asio::awaitable<void> cleartext_login_refused(std::string_view name) = 0;
};

} // namespace skrynka::pop3
