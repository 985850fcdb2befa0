// DeliveryGate: a link's callbacks pass while it is open; close() waits for
// those under way.
#include "espnow/link/detail/delivery_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using espnow::detail::DeliveryGate;

namespace {

// Until `done()`, or fails the test after a generous deadline.
template <class Done>
bool wait_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST(DeliveryGate, PassesSeeWhetherItWasOpenWhenTheyCame) {
  DeliveryGate gate;
  EXPECT_FALSE(DeliveryGate::Pass(gate).open());  // shut until the link starts
  gate.open();
  EXPECT_TRUE(gate.is_open());
  {
    const DeliveryGate::Pass a(gate), b(gate);  // callbacks pass together
    EXPECT_TRUE(a.open());
    EXPECT_TRUE(b.open());
  }
  gate.close();
  EXPECT_FALSE(gate.is_open());
  EXPECT_FALSE(DeliveryGate::Pass(gate).open());
  gate.open();  // a link activated again
  EXPECT_TRUE(DeliveryGate::Pass(gate).open());
}

TEST(DeliveryGate, CloseReturnsOnlyOnceTheCallbacksUnderWayHaveLeft) {
  DeliveryGate gate;
  gate.open();
  std::atomic<bool> inside{false}, leave{false}, closed{false};
  std::thread callback([&] {
    const DeliveryGate::Pass pass(gate);
    EXPECT_TRUE(pass.open());
    inside = true;
    while (!leave) std::this_thread::yield();
  });
  ASSERT_TRUE(wait_until([&] { return inside.load(); }));
  std::thread closer([&] {
    gate.close();
    closed = true;
  });
  ASSERT_TRUE(wait_until([&] { return !gate.is_open(); }));
  // A callback arriving now is turned away and does not hold close() up.
  EXPECT_FALSE(DeliveryGate::Pass(gate).open());
  EXPECT_FALSE(closed.load()) << "close() returned while a callback was still running";
  leave = true;
  EXPECT_TRUE(wait_until([&] { return closed.load(); }));
  callback.join();
  closer.join();
}

// On one thread a passage only reads the gate, so a callback may close it
// (it would wait for itself otherwise) and what comes after is turned away.
TEST(DeliveryGate, OnOneThreadACallbackMayCloseTheGateItPassed) {
  DeliveryGate gate(true);
  EXPECT_TRUE(gate.one_thread());
  EXPECT_FALSE(DeliveryGate::Pass(gate).open());
  gate.open();
  {
    const DeliveryGate::Pass pass(gate);
    EXPECT_TRUE(pass.open());
    gate.close();  // from within the callback: returns
    EXPECT_FALSE(gate.is_open());
  }
  EXPECT_FALSE(DeliveryGate::Pass(gate).open());
  gate.open();
  EXPECT_TRUE(DeliveryGate::Pass(gate).open());
  EXPECT_FALSE(DeliveryGate().one_thread());
}

TEST(DeliveryGate, CloseWithNoCallbackRunningReturnsAtOnce) {
  DeliveryGate gate;
  gate.close();  // never opened
  gate.open();
  gate.close();
  EXPECT_FALSE(gate.is_open());
}
