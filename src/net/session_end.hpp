// A request from outside a connection to end it: the server makes it when an account is
// wiped while its sessions are open. The connection loop registers a waker that makes
// its pending read return, then sees requested() and closes the session its protocol's
// way (IMAP says BYE, POP3 leaves without the UPDATE state, SMTP replies 421).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace skrynka::net {

// Thread-safe. One per connection, created by the listener.
class session_end {
  public:
    // Marks the end as requested and calls the waker, if one is set, outside the lock.
    void request();
    bool requested() const;

    // Set by the connection loop while it runs: a thread-safe function that makes its
    // pending read return. Cleared with an empty function before the loop's objects go.
    void set_waker(std::function<void()> waker);

    // Holds object until this session_end is destroyed, which is when the connection
    // ends. A login keeps its session registration here.
    void keep(std::shared_ptr<void> object);

  private:
    mutable std::mutex mutex_;
    bool requested_ = false;
    std::function<void()> waker_;
    std::vector<std::shared_ptr<void>> kept_;
};

} // namespace skrynka::net
