#include "apps/salonsim/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace salonsim::cli {

bool stderr_is_terminal() {
  return isatty(fileno(stderr)) != 0;
}

Progress::Progress(std::int64_t total, bool enabled)
    : total_(total > 0 ? total : 1), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

Progress::Progress(std::int64_t total, bool enabled, std::string unit, std::int64_t already_done)
    : Progress(total, enabled) {
  unit_ = std::move(unit);
  already_done_ = already_done;
  done_ = already_done;
}

Progress::~Progress() {
  finish();
}

void Progress::advance(std::int64_t amount) {
  const std::int64_t done = done_.fetch_add(amount) + amount;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  if (done_at_first_step_ < 0) {
    done_at_first_step_ = done;
    first_step_ = now;
  }
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done);
}

void Progress::draw(std::int64_t done) {
  const auto now = std::chrono::steady_clock::now();
  const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  // Time left is extrapolated from the pace of the steps so far; set-up is not a step.
  const std::int64_t stepped = done - done_at_first_step_;
  const double pace = stepped > 0 ? std::chrono::duration<double>(now - first_step_).count() /
                                        static_cast<double>(stepped)
                                  : 0.0;
  const double left = pace * static_cast<double>(std::max<std::int64_t>(0, total_ - done));
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  if (!unit_.empty()) {
    // Whole items: the rate is that of this process (a resumed sweep's earlier runs excluded).
    const double per_minute =
        elapsed > 0 ? 60.0 * static_cast<double>(done - already_done_) / elapsed : 0.0;
    const double items_left = static_cast<double>(std::max<std::int64_t>(0, total_ - done));
    const double seconds_left = per_minute > 0 ? 60.0 * items_left / per_minute : 0.0;
    std::fprintf(stderr, "\r[%s%s] %lld/%lld %s, %.1f %s/min, %.0f s left ",
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                 static_cast<long long>(done), static_cast<long long>(total_), unit_.c_str(),
                 per_minute, unit_.c_str(), seconds_left);
    std::fflush(stderr);
    return;
  }
  std::fprintf(stderr, "\r[%s%s] %5.1f%%  %.0f s elapsed, %.0f s left ",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               100.0 * fraction, elapsed, left);
  std::fflush(stderr);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  std::lock_guard lock(draw_mutex_);
  draw(total_);
  std::fputc('\n', stderr);
}

}  // namespace salonsim::cli
