#include "src/cli/progress_bar.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

constexpr int bar_width = 30;
constexpr auto redraw_interval = std::chrono::milliseconds(100);

} // namespace

progress_bar::progress_bar() : enabled_(::isatty(STDERR_FILENO) == 1) {}

void progress_bar::update(std::uint64_t done, std::uint64_t total, std::uint64_t messages) {
    last_done_ = done;
    last_total_ = total;
    last_messages_ = messages;
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - last_draw_ < redraw_interval) {
        return;
    }
    last_draw_ = now;
    draw(done, total, messages);
}

void progress_bar::finish() {
    if (!enabled_ || !drawn_) {
        return;
    }
    draw(last_done_, last_total_, last_messages_);
    std::cerr << '\n' << std::flush;
}

void progress_bar::draw(std::uint64_t done, std::uint64_t total, std::uint64_t messages) {
    const std::uint64_t percent = total == 0 ? 100 : std::min<std::uint64_t>(100, done * 100 / total);
    const auto filled = static_cast<int>(percent * bar_width / 100);
    std::cerr << fmt::format("\r[{:#<{}}{: <{}}] {:3}%  {} messages", "", filled, "",
                             bar_width - filled, percent, messages)
              << std::flush;
    drawn_ = true;
}

} // namespace skrynka::app::cli
