// ESPNow never releases a foreign object under one of its locks: the Python
// binding's irq callback needs the GIL to be destroyed, and a second Python
// thread holding the GIL may be waiting for ESPNow's state lock. A FakeGil
// plays the GIL, so a deadlock turns into a failure, not a hang.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "support/fake_gil.hpp"
#include "espnow/devices/sim_devices.hpp"
#include "support/fake_link.hpp"
#include "support/wait_for.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;

namespace {

// Like a Python callable held by a C++ callback: its release takes the "GIL".
struct NeedsGil {
  test::FakeGil* gil;
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
  SimDevices air;
  ESPNow& e = (*air.add_device({.mac = "02:00:00:00:00:01"_mac}))->espnow();
  ASSERT_OK(e.active(true));
  test::FakeGil gil;
  std::atomic<bool> releasing{false}, deadlocked{false};
  {
    // Made in place: a temporary NeedsGil would be released (and take the "GIL") at once.
    auto held = std::make_shared<NeedsGil>(&gil, &releasing, &deadlocked);
    e.irq([held](ESPNow&) {});
  }
  gil.lock();  // this thread is the Python thread that holds the GIL
  std::thread deactivator([&] { (void)e.active(false); });
  ASSERT_TRUE(test::wait_for([&] { return releasing.load(); }, 10s));
  EXPECT_OK(e.config({.timeout_ms = 5}));  // needs the state lock, holding the "GIL"
  gil.unlock();
  deactivator.join();
  EXPECT_FALSE(deadlocked.load()) << "active(False) released the callback under the state lock";
  EXPECT_EQ(e.config().timeout_ms, 5);
}

// ---- Interrupt (Ctrl-C in the Python binding): its answer takes the GIL,
// so ESPNow asks with none of its locks held; a thread holding the "GIL"
// meanwhile takes them, as the binding's any() and async sends do.

namespace {

const MacAddress kPeer = "02:00:00:00:00:02"_mac;

struct GilInterrupt {
  test::FakeGil* gil;
  std::atomic<int> asked{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> deadlocked{false};
  Interrupt hook{&requested, this};
  static bool requested(void* ctx) {
    auto* self = static_cast<GilInterrupt*>(ctx);
    ++self->asked;
    if (!self->gil->try_lock_for(10s)) return self->deadlocked = true;
    self->gil->unlock();
    return self->stop.load();
  }
};

}  // namespace

TEST(ForeignLocks, AnInterruptedReceiveAsksOutsideTheRxLockAndTakesNothing) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.active(true));
  test::FakeGil gil;
  GilInterrupt in{&gil};
  std::array<std::uint8_t, 250> buf{};
  Result<std::size_t> r = std::size_t{0};
  gil.lock();
  std::thread receiver([&] { r = e.recvinto(buf, nullptr, -1, &in.hook); });
  ASSERT_TRUE(test::wait_for([&] { return in.asked.load() > 0; }));
  link.deliver(kPeer, bytes("kept"));  // arrives while it asks
  EXPECT_TRUE(*e.any());               // the rx lock, holding the "GIL"
  in.stop = true;
  gil.unlock();
  receiver.join();
  EXPECT_FALSE(in.deadlocked.load()) << "asked under the rx lock";
  EXPECT_EQ(r.error(), std::errc::interrupted);
  MessageView meta;
  EXPECT_EQ(*e.recvinto(buf, &meta, 0), 4u);  // still there
}

TEST(ForeignLocks, AnInterruptedSyncSendLeavesNoTicketBehindAndItsReportStillCounts) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kPeer));
  test::FakeGil gil;
  GilInterrupt in{&gil};
  Result<bool> r = false;
  gil.lock();
  std::thread sender([&] { r = e.send(kPeer, bytes("x"), true, &in.hook); });
  ASSERT_TRUE(test::wait_for([&] { return in.asked.load() > 0; }));  // sent, awaiting its report
  SendTicket other;
  EXPECT_OK(e.start_send(&kPeer, bytes("y"), other));  // the tx and status locks, holding the "GIL"
  in.stop = true;
  gil.unlock();
  sender.join();
  EXPECT_FALSE(in.deadlocked.load()) << "asked under a lock";
  EXPECT_EQ(r.error(), std::errc::interrupted);
  link.report(SendStatus::fail);  // the interrupted send's: its ticket (on a stack now gone) is not touched
  EXPECT_FALSE(other.done);
  link.report(SendStatus::success);
  EXPECT_TRUE(other.done);
  EXPECT_FALSE(other.failed);
  const Stats s = e.stats();
  EXPECT_EQ(s.tx_pkts, 2u);
  EXPECT_EQ(s.tx_responses, 2u);
  EXPECT_EQ(s.tx_failures, 1u);
}

TEST(ForeignLocks, ASendRetryingNoMemAsksOutsideTheTxLock) {
  test::FakeLink link;
  ESPNow e(link);
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kPeer));
  for (int i = 0; i < 3000; ++i) link.fail_next(make_error_code(errc::no_mem));  // a full queue for ~2 s
  test::FakeGil gil;
  GilInterrupt in{&gil};
  Result<bool> r = false;
  gil.lock();
  std::thread sender([&] { r = e.send(kPeer, bytes("x"), true, &in.hook); });
  ASSERT_TRUE(test::wait_for([&] { return in.asked.load() > 0; }));
  SendTicket other;
  EXPECT_ERR(e.start_send(&kPeer, bytes("y"), other), errc::no_mem);  // the tx lock, holding the "GIL"
  in.stop = true;
  gil.unlock();
  sender.join();
  EXPECT_FALSE(in.deadlocked.load()) << "asked under the tx lock";
  EXPECT_EQ(r.error(), std::errc::interrupted);
  EXPECT_EQ(e.stats().tx_pkts, 0u);
}
