// Time for the simulated air, behind an interface so tests can swap it: the
// system's steady clock by default, or a VirtualClock whose sleeps return at
// once by moving time forward (deterministic airtime measurements).
#pragma once

#include <atomic>
#include <chrono>

namespace espnow {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::nanoseconds now() const = 0;
  virtual void sleep_until(std::chrono::nanoseconds t) = 0;
};

// The process-wide steady clock.
Clock& steady_clock();

// When the process started (its "boot"), on std::chrono::steady_clock. The
// UDP air's radios count their timestamps from it, so a device's receive
// times and the host's ticks_ms() share one clock, as on a board.
std::chrono::steady_clock::time_point process_start();

class VirtualClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return std::chrono::nanoseconds(now_.load()); }
  void sleep_until(std::chrono::nanoseconds t) override {
    auto cur = now_.load();
    while (cur < t.count() && !now_.compare_exchange_weak(cur, t.count())) {
    }
  }
  void advance(std::chrono::nanoseconds d) { now_ += d.count(); }

 private:
  std::atomic<std::chrono::nanoseconds::rep> now_{0};
};

}  // namespace espnow
