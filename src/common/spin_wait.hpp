// Waiting a few microseconds without sleeping, for a wake-up that is about
// to come. On this project's hosts a thread put to sleep on a futex and woken
// again costs more than the work of a whole ESP-NOW exchange (measured on
// the UDP air's ping: nine futex calls per round trip, most of its time), so
// a waiter first spins, briefly, and only sleeps when nothing came.
#pragma once

#include <chrono>

#if !defined(ESP_PLATFORM)
#include <sched.h>
#endif

namespace espnow {

// A hint to the core that this is a spin loop (it saves power and lets a
// sibling hardware thread run).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}

// Spins until `done()` or until `budget` has passed; true if done. Now and
// then it yields the core: on a machine with few cores the thread that would
// end the wait may need this one.
template <class Done>
bool spin_until(Done done, std::chrono::nanoseconds budget) {
  const auto end = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    if (i % 64 != 0) {
      cpu_relax();
      continue;
    }
    if (std::chrono::steady_clock::now() >= end) return false;
#if !defined(ESP_PLATFORM)
    sched_yield();
#endif
  }
}

// Whether this thread's next wait should spin first. A spin that ended in
// its wake-up keeps spinning worth it; one that ran out its budget (the
// thread waits for something far off: the next message of a slow sender)
// makes the next kSkipAfterMiss waits sleep at once, so an idle device spends
// at most one budget in kSkipAfterMiss + 1 waits. Never on a single core,
// where the spinner would hold the core its waker needs, nor on a chip.
class SpinPolicy {
 public:
  static constexpr int kSkipAfterMiss = 8;

  SpinPolicy();
  bool worth_trying();
  void record(bool woken);

 private:
  bool enabled_;
};

}  // namespace espnow
