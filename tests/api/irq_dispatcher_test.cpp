// IrqDispatcher, which runs ESPNow's irq callback: one call per notify on a
// thread of its own, never two at once; a removed callback forgets the calls
// owed; a replaced one finishes its call and is released by whoever replaced
// it; stop() waits for the call under way and starts none after; a callback
// may end its own dispatcher.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/irq_dispatcher.hpp"
#include "espnow/api/espnow.hpp"
#include "support/fake_link.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using espnow::detail::IrqDispatcher;
using espnow::test::wait_for;

namespace {

// Holds the callbacks that pass through it until opened.
class Gate {
 public:
  void pass() {
    std::unique_lock lk(m_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lk, [&] { return open_; });
    --waiting_;
  }
  // Waits (with a deadline) until `n` callbacks wait at the gate.
  bool wait_for_waiting(int n) {
    std::unique_lock lk(m_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return waiting_ >= n; });
  }
  void open() {
    std::lock_guard lk(m_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int waiting_ = 0;
  bool open_ = false;
};

// Sets `*destroyed` when the last copy of the callback holding it goes.
struct Token {
  std::atomic<bool>* destroyed;
  ~Token() { *destroyed = true; }
};

class IrqDispatcherTest : public ::testing::Test {
 protected:
  test::FakeLink link;
  ESPNow owner{link};
  std::atomic<int> calls{0};
};

}  // namespace

TEST_F(IrqDispatcherTest, ACallbackRunsOncePerNotifyOnAThreadOfItsOwnWithTheOwner) {
  IrqDispatcher d(owner, steady_clock());
  std::atomic<ESPNow*> seen{nullptr};
  std::atomic<bool> on_notifier_thread{false};
  const auto notifier = std::this_thread::get_id();
  d.set([&](ESPNow& e) {
    seen = &e;
    if (std::this_thread::get_id() == notifier) on_notifier_thread = true;
    ++calls;
  });
  for (int i = 0; i < 100; ++i) d.notify();
  EXPECT_TRUE(wait_for([&] { return calls.load() == 100; }));
  d.stop();  // joins: no call runs or starts after
  EXPECT_EQ(calls.load(), 100);
  EXPECT_EQ(seen.load(), &owner);
  EXPECT_FALSE(on_notifier_thread.load());
}

TEST_F(IrqDispatcherTest, NotificationsWithNoCallbackAreNotOwed) {
  IrqDispatcher d(owner, steady_clock());
  d.notify();
  d.notify();
  d.set([&](ESPNow&) { ++calls; });
  d.notify();
  EXPECT_TRUE(wait_for([&] { return calls.load() == 1; }));
  d.stop();
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(IrqDispatcherTest, CallsNeverOverlap) {
  IrqDispatcher d(owner, steady_clock());
  std::atomic<int> inside{0}, overlaps{0};
  d.set([&](ESPNow&) {
    if (++inside > 1) ++overlaps;
    std::this_thread::yield();
    --inside;
    ++calls;
  });
  std::thread t1([&] { for (int i = 0; i < 200; ++i) d.notify(); });
  std::thread t2([&] { for (int i = 0; i < 200; ++i) d.notify(); });
  t1.join();
  t2.join();
  EXPECT_TRUE(wait_for([&] { return calls.load() == 400; }));
  d.stop();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(calls.load(), 400);
}

TEST_F(IrqDispatcherTest, RemovingTheCallbackForgetsTheCallsOwedButLetsTheRunningOneFinish) {
  IrqDispatcher d(owner, steady_clock());
  Gate gate;
  d.set([&](ESPNow&) {
    gate.pass();
    ++calls;
  });
  d.notify();
  ASSERT_TRUE(gate.wait_for_waiting(1));  // the first call is under way
  for (int i = 0; i < 5; ++i) d.notify();  // five more owed
  d.set({});
  gate.open();
  EXPECT_TRUE(wait_for([&] { return calls.load() == 1; }));
  d.stop();
  EXPECT_EQ(calls.load(), 1);  // the five were forgotten
}

TEST_F(IrqDispatcherTest, AReplacedCallbackFinishesItsCallAndIsReleasedByWhoeverReplacedIt) {
  IrqDispatcher d(owner, steady_clock());
  Gate gate;
  std::atomic<bool> old_destroyed{false};
  std::atomic<int> old_calls{0}, new_calls{0};
  std::atomic<bool> old_running{false}, overlapped{false};
  std::shared_ptr<Token> token(new Token{&old_destroyed});
  d.set([&, token](ESPNow&) {
    old_running = true;
    gate.pass();
    ++old_calls;
    old_running = false;
  });
  token.reset();  // the callback holds the only reference now
  d.notify();
  ASSERT_TRUE(gate.wait_for_waiting(1));
  d.notify();  // owed when it is replaced: the new callback takes it
  std::shared_ptr<const IrqDispatcher::Callback> old = d.replace([&](ESPNow&) {
    if (old_running) overlapped = true;
    ++new_calls;
  });
  ASSERT_TRUE(old);
  EXPECT_FALSE(old_destroyed.load());  // still running, and handed to us
  gate.open();
  EXPECT_TRUE(wait_for([&] { return new_calls.load() == 1; }));
  d.notify();
  EXPECT_TRUE(wait_for([&] { return new_calls.load() == 2; }));
  EXPECT_EQ(old_calls.load(), 1);
  EXPECT_FALSE(overlapped.load());
  // The dispatcher's thread has moved on to the new callback: ours is the
  // last reference, so the old callback goes here, on our thread.
  EXPECT_FALSE(old_destroyed.load());
  old.reset();
  EXPECT_TRUE(old_destroyed.load());
  d.stop();
}

TEST_F(IrqDispatcherTest, StopWaitsForTheRunningCallAndNoneStartsAfterIt) {
  IrqDispatcher d(owner, steady_clock());
  Gate gate;
  std::atomic<bool> finished{false};
  d.set([&](ESPNow&) {
    gate.pass();
    ++calls;
    finished = true;
  });
  d.notify();
  ASSERT_TRUE(gate.wait_for_waiting(1));
  d.notify();
  d.notify();
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    d.stop();
    stopped = true;
  });
  gate.open();
  stopper.join();
  EXPECT_TRUE(finished.load());  // stop() returned only after the call under way
  const int at_stop = calls.load();
  EXPECT_GE(at_stop, 1);
  EXPECT_LE(at_stop, 3);
  d.notify();
  d.set([&](ESPNow&) { ++calls; });  // a stopped dispatcher starts no thread
  d.notify();
  d.stop();  // again: harmless
  EXPECT_EQ(calls.load(), at_stop);
  EXPECT_TRUE(stopped.load());
}

TEST_F(IrqDispatcherTest, StopBeforeAnyCallbackAndDestructionAreHarmless) {
  {
    IrqDispatcher d(owner, steady_clock());
    d.notify();
    d.stop();
  }
  {
    IrqDispatcher d(owner, steady_clock());  // destroyed with a callback set and nothing owed
    d.set([&](ESPNow&) { ++calls; });
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST_F(IrqDispatcherTest, ACallbackMayDestroyItsOwnDispatcher) {
  // As a Python ESPNow whose last owner was its own callback: the thread is
  // left to end by itself and touches nothing of the dispatcher again.
  auto d = std::make_unique<IrqDispatcher>(owner, steady_clock());
  Gate gate;  // holds the callback until this thread is done with `d`
  std::atomic<bool> done{false};
  d->set([&](ESPNow&) {
    gate.pass();
    ++calls;
    d.reset();
    done = true;
  });
  d->notify();
  d->notify();  // owed when the dispatcher goes: never called
  gate.open();
  EXPECT_TRUE(wait_for([&] { return done.load(); }));
  EXPECT_EQ(d, nullptr);
  EXPECT_EQ(calls.load(), 1);
}

// A clock that schedules: it keeps what is posted, for the test to run.
class PostingClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return {}; }
  void sleep_until(std::chrono::nanoseconds) override {}
  bool post(std::function<void()>& fn) override {
    posted.push_back(std::move(fn));
    return true;
  }
  void run_posted() {
    auto batch = std::move(posted);
    posted.clear();
    for (auto& fn : batch) fn();
  }
  std::vector<std::function<void()>> posted;
};

TEST_F(IrqDispatcherTest, OnAClockThatSchedulesEachCallIsPostedToItAndNoThreadRuns) {
  PostingClock clock;
  IrqDispatcher d(owner, clock);
  clock.run_posted();  // the probe that found the clock schedules
  std::thread::id ran_on;
  d.set([&](ESPNow& e) {
    EXPECT_EQ(&e, &owner);
    ran_on = std::this_thread::get_id();
    ++calls;
  });
  d.notify();
  d.notify();
  EXPECT_EQ(calls.load(), 0);  // nothing runs until the clock runs it
  ASSERT_EQ(clock.posted.size(), 2u);
  clock.run_posted();
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  d.wait_idle();  // nothing owed: returns at once
  d.notify();
  d.stop();
  clock.run_posted();  // a call posted before stop() finds it stopped
  EXPECT_EQ(calls.load(), 2);
}
