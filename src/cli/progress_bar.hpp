// A one-line progress bar on stderr, drawn only when stderr is a terminal, so logs and
// pipes never receive carriage returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace skrynka::app::cli {

// Not thread-safe.
class progress_bar {
  public:
    progress_bar();

    // Redraws "[#####     ]  45%  1234 messages" at most ten times a second.
    void update(std::uint64_t done, std::uint64_t total, std::uint64_t messages);
    // Draws the last state and ends the line. Does nothing when nothing was drawn.
    void finish();

  private:
    void draw(std::uint64_t done, std::uint64_t total, std::uint64_t messages);

    bool enabled_;
    bool drawn_ = false;
    std::uint64_t last_done_ = 0;
    std::uint64_t last_total_ = 0;
    std::uint64_t last_messages_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

} // namespace skrynka::app::cli
