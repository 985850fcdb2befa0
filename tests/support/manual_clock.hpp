// A clock the test owns: time moves only when the test advances it, or when
// code under test waits for a deadline, which is then reached at once. So a
// rule of seconds (ESPNow's 2 s NO_MEM retry, the 100 ms rule, receive
// timeouts) runs in microseconds and measures exactly. Untimed waits block
// for real, and are counted so a test can see a thread parked in one.
#pragma once

#include <atomic>
#include <chrono>

#include "espnow/common/clock.hpp"

namespace espnow::test {

class ManualClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return std::chrono::nanoseconds(now_.load()); }
  void advance(std::chrono::nanoseconds d) { now_ += d.count(); }

  void sleep_until(std::chrono::nanoseconds t) override {
    auto cur = now_.load();
    while (cur < t.count() && !now_.compare_exchange_weak(cur, t.count())) {
    }
  }
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds> deadline) override {
    if (deadline) {
      ++timed_waits_;
      return sleep_until(*deadline);
    }
    ++untimed_waiters_;
    cv.wait(lock);
    --untimed_waiters_;
  }

  // Timed waits so far (each one a deadline reached at once).
  int timed_waits() const { return timed_waits_.load(); }
  // Threads blocked right now in a wait with no deadline.
  int untimed_waiters() const { return untimed_waiters_.load(); }

 private:
  std::atomic<std::chrono::nanoseconds::rep> now_{0};
  std::atomic<int> timed_waits_{0};
  std::atomic<int> untimed_waiters_{0};
};

}  // namespace espnow::test
