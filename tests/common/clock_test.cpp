// The steady clock's brief wait (Clock::brief_wait): a waiter spins for a
// notification before it sleeps, and its caller always looks at its
// condition again afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/spin_wait.hpp"
#include "espnow/common/clock.hpp"

namespace espnow {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

bool spins_here() { return std::thread::hardware_concurrency() > 1; }

// Runs `body` on a thread of its own: the spin policy is per thread, so each
// test starts from a thread that has never missed.
template <class Body>
void on_fresh_thread(Body body) {
  std::thread t(body);
  t.join();
}

// On a single core a spinner would hold the core its waker needs.
void expect_no_spin() {
  std::mutex m;
  std::unique_lock lk(m);
  EXPECT_FALSE(steady_clock().brief_wait(lk, 1s));
}

TEST(BriefWait, ASpinThatRunsOutStillTellsTheCallerToLookAgain) {
  // The caller re-checks its condition whenever the lock was let go: a wake
  // that came as the spin gave up is then seen, not slept through.
  on_fresh_thread([] {
    std::mutex m;
    std::unique_lock lk(m);
    EXPECT_EQ(steady_clock().brief_wait(lk, 1us), spins_here());
    EXPECT_TRUE(lk.owns_lock());
  });
}

TEST(BriefWait, ANotificationThroughTheClockEndsTheSpinEarly) {
  on_fresh_thread([] {
    if (!spins_here()) return expect_no_spin();
    std::mutex m;
    std::condition_variable cv;
    std::atomic<bool> spinning{false}, over{false};
    std::thread waker([&] {
      while (!spinning) std::this_thread::yield();
      while (!over) steady_clock().notify(cv);  // until the waiter has noticed
    });
    std::unique_lock lk(m);
    spinning = true;
    const auto t0 = Steady::now();
    EXPECT_TRUE(steady_clock().brief_wait(lk, 60s));
    over = true;
    EXPECT_LT(Steady::now() - t0, 30s);  // ended by the notification, not the budget
    lk.unlock();
    waker.join();
  });
}

TEST(BriefWait, AfterASpinThatRanOutTheNextWaitsSleepAtOnce) {
  on_fresh_thread([] {
    if (!spins_here()) return expect_no_spin();
    std::mutex m;
    std::unique_lock lk(m);
    ASSERT_TRUE(steady_clock().brief_wait(lk, 1us));  // nothing came: a miss
    for (int i = 0; i < SpinPolicy::kSkipAfterMiss; ++i) EXPECT_FALSE(steady_clock().brief_wait(lk, 1us)) << i;
    EXPECT_TRUE(steady_clock().brief_wait(lk, 1us));  // and then it tries again
  });
}

TEST(BriefWait, ClocksThatOwnTimeNeverSpin) {
  VirtualClock clock;
  std::mutex m;
  std::unique_lock lk(m);
  EXPECT_FALSE(clock.brief_wait(lk, 1s));
  EXPECT_TRUE(lk.owns_lock());
}

TEST(SpinUntil, ReturnsWhenDoneAndGivesUpAtItsBudget) {
  int calls = 0;
  EXPECT_TRUE(spin_until([&] { return ++calls == 1000; }, 60s));
  EXPECT_EQ(calls, 1000);
  const auto t0 = Steady::now();
  EXPECT_FALSE(spin_until([] { return false; }, 2ms));
  EXPECT_GE(Steady::now() - t0, 2ms);
}

}  // namespace
}  // namespace espnow
