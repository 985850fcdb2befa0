// A clock the test owns: time moves only when the test advances it, or when
// code under test waits for a deadline, which is then reached at once. So a
// rule of seconds (ESPNow's 2 s NO_MEM retry, the 100 ms rule, receive
// timeouts) runs in microseconds and measures exactly. Untimed waits block
// for real, and are counted so a test can see a thread parked in one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

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
      wait_while_held(lock);
      return sleep_until(*deadline);
    }
    ++untimed_waiters_;
    cv.wait(lock);
    --untimed_waiters_;
  }

  // While held, a timed wait blocks (its lock released) until release(), and
  // time stands still: a test lines up work at one instant (frames queued at
  // several radios of the timed air, say) before any of it runs.
  void hold() {
    std::lock_guard g(hold_mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard g(hold_mutex_);
      held_ = false;
    }
    hold_cv_.notify_all();
  }

  // Timed waits so far (each one a deadline reached at once).
  int timed_waits() const { return timed_waits_.load(); }
  // Threads blocked right now in a wait with no deadline.
  int untimed_waiters() const { return untimed_waiters_.load(); }

 private:
  void wait_while_held(std::unique_lock<std::mutex>& lock) {
    std::unique_lock g(hold_mutex_);
    if (!held_) return;
    lock.unlock();
    hold_cv_.wait(g, [&] { return !held_; });
    g.unlock();
    lock.lock();
  }

  std::mutex hold_mutex_;
  std::condition_variable hold_cv_;
  bool held_ = false;
  std::atomic<std::chrono::nanoseconds::rep> now_{0};
  std::atomic<int> timed_waits_{0};
  std::atomic<int> untimed_waiters_{0};
};

}  // namespace espnow::test
