#pragma once
// A progress bar with the time left, on a terminal only. Safe to call from several threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace salonsim::cli {

class Progress {
 public:
  /// `enabled` is false when stderr is not a terminal or --quiet was given.
  Progress(std::int64_t total, bool enabled);
  /// Counts whole items (e.g. "runs"): shows done / total, items per minute and the time left.
  /// `already_done` were finished before this process started (a resumed sweep).
  Progress(std::int64_t total, bool enabled, std::string unit, std::int64_t already_done);
  ~Progress();
  void advance(std::int64_t amount = 1);
  void finish();

 private:
  void draw(std::int64_t done);
  std::int64_t total_;
  bool enabled_;
  std::atomic<std::int64_t> done_{0};
  std::mutex draw_mutex_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  // Time left is extrapolated from the steps since the first one (set-up is not a step).
  std::chrono::steady_clock::time_point first_step_;
  std::int64_t done_at_first_step_ = -1;
  bool finished_ = false;
  std::string unit_;  // empty: steps of runs, shown as a percentage
  std::int64_t already_done_ = 0;
};

/// Whether standard error is a terminal.
bool stderr_is_terminal();

}  // namespace salonsim::cli
