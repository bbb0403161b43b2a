// In-process registry of what the sessions of one account must know about each other:
// the POP3 maildrop lock (RFC 1939 section 8), the logged-in sessions that a wipe of the
// account ends, and notices of messages that one session expunged. IMAP sessions find such expunges by polling storage today. Subscribing here
// would let them report EXPUNGE (RFC 9051 section 7.5.1) without waiting for the poll.
#pragma once

#include "src/net/session_end.hpp"
#include "storage/directory.hpp"
#include "storage/mailbox_types.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace skrynka::app::server {

// Messages that one session removed from a mailbox.
struct expunge_notice {
    storage::account_id account = 0;
    storage::mailbox_id mailbox = 0;
    std::vector<storage::message_uid> uids; // ascending
};

// Thread-safe. Locks and subscriptions may outlive the registry.
class account_sessions {
    struct state;

  public:
    account_sessions();

    // Exclusive access to an account's maildrop for one POP3 session; released on
    // destruction.
    class maildrop_lock {
      public:
        maildrop_lock(std::shared_ptr<state> owner, storage::account_id account);
        maildrop_lock(maildrop_lock&& other) noexcept = default;
        maildrop_lock& operator=(maildrop_lock&&) = delete;
        ~maildrop_lock();

      private:
        std::shared_ptr<state> owner_;
        storage::account_id account_;
    };

    // Returns the lock, or nothing while another session holds it.
    std::optional<maildrop_lock> try_lock_maildrop(storage::account_id account);

    // A logged-in session of an account, until destruction.
    class registration {
      public:
        registration(std::shared_ptr<state> owner, std::uint64_t id);
        registration(registration&& other) noexcept = default;
        registration& operator=(registration&& other) noexcept;
        ~registration();

      private:
        std::shared_ptr<state> owner_;
        std::uint64_t id_;
    };

    // Registers a logged-in session of account, which close_account(account) ends through
    // end. Returns nothing while the account is closed, and then the login must fail.
    // A login registers before it reads the account from the directory again, so that a
    // wipe either ends it or leaves it no account to find.
    [[nodiscard]] std::optional<registration>
    register_session(storage::account_id account, const std::shared_ptr<net::session_end>& end);

    // Rejects new registrations of account until reopen_account(), and requests every
    // registered session of it to end. Returns the number of sessions requested to end.
    std::size_t close_account(storage::account_id account);
    void reopen_account(storage::account_id account);

    // Ends the subscription on destruction.
    class subscription {
      public:
        subscription(std::shared_ptr<state> owner, std::uint64_t id);
        subscription(subscription&& other) noexcept = default;
        subscription& operator=(subscription&&) = delete;
        ~subscription();

      private:
        std::shared_ptr<state> owner_;
        std::uint64_t id_;
    };

    // Calls listener for every notice about account published after this call, on the
    // publishing thread and without the registry's lock held. The listener must be
    // thread-safe and quick; an IMAP session posts the notice to its own executor.
    using listener = std::function<void(const expunge_notice&)>;
    [[nodiscard]] subscription subscribe(storage::account_id account, listener callback);

    // Tells every subscriber of notice.account, including the publisher's own if it
    // subscribed, so it skips notices it published itself where that matters.
    void publish(const expunge_notice& notice);

  private:
    std::shared_ptr<state> state_;
};

} // namespace skrynka::app::server
