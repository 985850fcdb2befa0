// ESPNow never releases a foreign object under one of its locks: the Python
// binding's irq callback needs the GIL to be destroyed, and a second Python
// thread holding the GIL may be waiting for ESPNow's state lock. A timed
// mutex plays the GIL, so a deadlock turns into a failure, not a hang.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "espnow/virtual_air.hpp"
#include "wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;

namespace {

// Like a Python callable held by a C++ callback: its release takes the "GIL".
struct NeedsGil {
  std::timed_mutex* gil;
  std::atomic<bool>* releasing;
  std::atomic<bool>* deadlocked;
  ~NeedsGil() {
    releasing->store(true);
    if (gil->try_lock_for(10s)) gil->unlock();
    else deadlocked->store(true);
  }
};

}  // namespace

TEST(ForeignLocks, ActiveFalseReleasesTheIrqCallbackOutsideTheStateLock) {
  VirtualAir air;
  ESPNow& e = (*air.add_device({.mac = "02:00:00:00:00:01"_mac}))->espnow();
  ASSERT_FALSE(e.active(true));
  std::timed_mutex gil;
  std::atomic<bool> releasing{false}, deadlocked{false};
  {
    auto held = std::make_shared<NeedsGil>(NeedsGil{&gil, &releasing, &deadlocked});
    e.irq([held](ESPNow&) {});
  }
  gil.lock();  // this thread is the Python thread that holds the GIL
  std::thread deactivator([&] { (void)e.active(false); });
  ASSERT_TRUE(test::wait_for([&] { return releasing.load(); }, 10s));
  EXPECT_FALSE(e.config({.timeout_ms = 5}));  // needs the state lock, holding the "GIL"
  gil.unlock();
  deactivator.join();
  EXPECT_FALSE(deadlocked.load()) << "active(False) released the callback under the state lock";
  EXPECT_EQ(e.config().timeout_ms, 5);
}
