// DriftingClock: a device's own clock, running fast or slow against the one
// it is built on (a crystal's error, in parts per million), as two boards'
// clocks do. Time read and waited for through it drifts: a device at +100
// ppm finds its 10 s timeouts over after 9.999 s of the base clock. The drift
// may change at any time; the clock's reading stays continuous. Waits,
// notifications, posts and threads go to the base clock, which schedules
// them (a Simulation's, so a drifting device is still one of its programs).
#pragma once

#include <chrono>
#include <mutex>

#include "espnow/common/clock.hpp"

namespace espnow {

class DriftingClock final : public Clock {
 public:
  // Reads as `base` does at first, then drifts by `ppm`.
  explicit DriftingClock(Clock& base, double ppm = 0.0);

  // From now on, runs `ppm` parts per million fast (negative: slow).
  void set_drift(double ppm);
  double drift() const;

  std::chrono::nanoseconds now() const override;
  void sleep_until(std::chrono::nanoseconds t) override;
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds> deadline) override;
  void notify(std::condition_variable& cv) override { base_.notify(cv); }
  bool post(std::function<void()>& fn) override { return base_.post(fn); }
  bool start_thread(std::string name, std::function<void()>& body) override {
    return base_.start_thread(std::move(name), body);
  }

 private:
  // The base clock's time at which this one reads `t`, rounded up so that a
  // wait until then finds this clock at `t` or later.
  std::chrono::nanoseconds to_base(std::chrono::nanoseconds t) const;

  Clock& base_;
  mutable std::mutex mutex_;
  // This clock read `local0_` when the base read `base0_`; since then it runs at `rate_`.
  std::chrono::nanoseconds base0_{0}, local0_{0};
  double rate_ = 1.0;
};

}  // namespace espnow
