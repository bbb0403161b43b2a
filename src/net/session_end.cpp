#include "src/net/session_end.hpp"

namespace skrynka::net {

void session_end::request() {
    std::function<void()> waker;
    {
        const std::lock_guard lock(mutex_);
        requested_ = true;
        waker = waker_;
    }
    if (waker) {
        waker();
    }
}

bool session_end::requested() const {
    const std::lock_guard lock(mutex_);
    return requested_;
}

void session_end::set_waker(std::function<void()> waker) {
    const std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

void session_end::keep(std::shared_ptr<void> object) {
    const std::lock_guard lock(mutex_);
    kept_.push_back(std::move(object));
}

} // namespace skrynka::net
