// Time, behind an interface so tests can swap it: the system's steady clock
// by default, or a VirtualClock whose sleeps and waits return at once by
// moving time forward (deterministic airtime on the in-process air). Tests
// of the API's 100 ms and 2 s rules use the test-support library's
// ManualClock, which moves only when the test moves it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace espnow {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::nanoseconds now() const = 0;
  virtual void sleep_until(std::chrono::nanoseconds t) = 0;
  // Blocks on `cv` (its mutex held by `lock`) until notified or until now()
  // reaches `deadline` (nullopt: no limit). It may return early, as
  // condition variables do: the caller checks its condition and the time
  // again. A clock that owns time moves it to the deadline instead of waiting.
  // By default a timed wait is sleep_until() with the lock released, deaf to
  // notifications; the steady clock waits on `cv` itself.
  virtual void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    std::optional<std::chrono::nanoseconds> deadline) {
    if (!deadline) return cv.wait(lock);
    lock.unlock();
    sleep_until(*deadline);
    lock.lock();
  }
  // Wakes whoever waits on `cv` through this clock. Code that waits through a
  // clock notifies through it too, so a clock that schedules its waiters (a
  // Simulation's, which moves time only when every program waits) knows who
  // became ready; by default it is cv.notify_all().
  virtual void notify(std::condition_variable& cv) { cv.notify_all(); }
  // Before a wait that may block: waits up to `budget` without sleeping,
  // for a notification through this clock, with `lock` released. True if it
  // released the lock (the caller looks at its condition again before it
  // waits, as something may have changed meanwhile). A notification that
  // follows within a few microseconds then costs no sleep and no wake-up.
  // By default (and on clocks that own time) false at once: nothing spins.
  virtual bool brief_wait(std::unique_lock<std::mutex>& lock, std::chrono::nanoseconds budget) {
    (void)lock;
    (void)budget;
    return false;
  }
  // Runs `fn` soon, as a step of whatever schedules this clock's waiters (a
  // Simulation runs what a device's clock posts on that device's program,
  // within its waits, and the rest between its programs' steps, so callbacks
  // such as ESPNow's irq stay on virtual time and in a fixed order); false,
  // by default, when the clock schedules nothing and the caller runs `fn` its
  // own way.
  virtual bool post(std::function<void()>& fn) {
    (void)fn;
    return false;
  }
  // Runs `body` on a new thread that this clock schedules with its other
  // waiters (a Simulation makes it one of its programs: it runs in turn, in
  // the order threads were started, and is unwound when the simulation ends);
  // false, by default, when the clock schedules nothing and the caller starts
  // a thread of its own. Once started, `body` is destroyed on that thread when
  // it returns or is unwound, or when the simulation ends before it ran (so
  // whatever it captures can tell its owner that it is over).
  virtual bool start_thread(std::string name, std::function<void()>& body) {
    (void)name;
    (void)body;
    return false;
  }
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
  // A timed wait is over at once, time having moved to its deadline; an
  // untimed one waits for a notification.
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds> deadline) override {
    if (deadline) sleep_until(*deadline);
    else cv.wait(lock);
  }
  void advance(std::chrono::nanoseconds d) { now_ += d.count(); }

 private:
  std::atomic<std::chrono::nanoseconds::rep> now_{0};
};

}  // namespace espnow
