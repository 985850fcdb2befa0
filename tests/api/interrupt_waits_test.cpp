// ESPNow::interrupt_waits(): a call blocked with an Interrupt asks it at once,
// not at its next 50 ms poll. The Python binding calls it right after it
// signals the script's thread, so a machine.Timer callback due during a
// blocking recv() runs on time, as on a board.
//
// On a clock whose time stands still, a blocked call is never due for its
// poll: only interrupt_waits() can make it ask. Without it these tests would
// block, so each wait has a deadline, and a failed test lets its call go
// (active(false) ends every blocked call) before it joins the call's thread.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <thread>

#include "espnow/api/espnow.hpp"
#include "espnow/common/clock.hpp"
#include "support/expect.hpp"
#include "support/fake_link.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;
using namespace std::chrono_literals;

namespace {

const MacAddress kPeer = "02:00:00:00:00:02"_mac;

// Time stands still; every wait, timed or not, lasts until a notification.
class StillClock final : public Clock {
 public:
  std::chrono::nanoseconds now() const override { return 1s; }
  void sleep_until(std::chrono::nanoseconds) override {}
  void wait(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
            std::optional<std::chrono::nanoseconds>) override {
    ++waits_;
    cv.wait(lock);
  }
  int waits() const { return waits_.load(); }

 private:
  std::atomic<int> waits_{0};
};

struct RaisedInterrupt {
  std::atomic<int> asked{0};
  std::atomic<bool> raised{false};
  Interrupt hook{&requested, this};
  static bool requested(void* ctx) {
    auto* self = static_cast<RaisedInterrupt*>(ctx);
    ++self->asked;
    return self->raised.load();
  }
};

// Declared after the call's future, so that it runs first: active(false)
// ends a call still blocked, and the future's destructor can join it.
struct LetGo {
  ESPNow& e;
  ~LetGo() { (void)e.active(false); }
};

// A device on a clock that stands still, and a receive blocked on it.
class InterruptWaits : public ::testing::Test {
 protected:
  InterruptWaits() { EXPECT_OK(e.active(true)); }
  // Starts a receive that waits forever (with `interrupt`, if given) and
  // returns once it is blocked. Declare a LetGo after the future it returns.
  std::future<Result<std::size_t>> blocked_receive(const Interrupt* interrupt) {
    auto receiving = std::async(std::launch::async, [this, interrupt] { return e.recvinto(buf, nullptr, -1, interrupt); });
    EXPECT_TRUE(test::wait_for([&] { return clock.waits() > 0; }));
    return receiving;
  }

  test::FakeLink link;
  StillClock clock;
  ESPNow e{link, clock};
  RaisedInterrupt in;
  std::array<std::uint8_t, 250> buf{};
};

}  // namespace

TEST_F(InterruptWaits, ABlockedReceiveAsksAtOnceAndIsInterrupted) {
  auto receiving = blocked_receive(&in.hook);
  const LetGo let_go{e};
  in.raised = true;
  e.interrupt_waits();
  ASSERT_EQ(receiving.wait_for(10s), std::future_status::ready) << "the blocked receive did not ask its Interrupt";
  const Result<std::size_t> r = receiving.get();
  EXPECT_EQ(r.error(), std::errc::interrupted);
  EXPECT_EQ(in.asked.load(), 1);
}

TEST_F(InterruptWaits, ABlockedReceiveThatIsToldNoGoesOnWaitingAndTakesTheNextMessage) {
  auto receiving = blocked_receive(&in.hook);
  const LetGo let_go{e};
  e.interrupt_waits();  // a timer callback ran; nothing asks the receive to end
  ASSERT_TRUE(test::wait_for([&] { return in.asked.load() == 1 && clock.waits() > 1; }));  // asked, and waits again
  link.deliver(kPeer, bytes("late"));
  ASSERT_EQ(receiving.wait_for(10s), std::future_status::ready);
  const Result<std::size_t> r = receiving.get();
  EXPECT_EQ(*r, 4u);
}

TEST_F(InterruptWaits, ASyncSendAwaitingItsReportAsksAtOnce) {
  ASSERT_OK(e.add_peer(kPeer));
  auto sending = std::async(std::launch::async, [&] { return e.send(kPeer, bytes("x"), true, &in.hook); });
  const LetGo let_go{e};
  ASSERT_TRUE(test::wait_for([&] { return clock.waits() > 0; }));  // sent, awaiting its report
  in.raised = true;
  e.interrupt_waits();
  ASSERT_EQ(sending.wait_for(10s), std::future_status::ready) << "the blocked send did not ask its Interrupt";
  const Result<bool> r = sending.get();
  EXPECT_EQ(r.error(), std::errc::interrupted);
}

TEST_F(InterruptWaits, CallsWithoutAnInterruptAreNotDisturbed) {
  auto receiving = blocked_receive(nullptr);
  const LetGo let_go{e};
  e.interrupt_waits();
  ASSERT_TRUE(test::wait_for([&] { return clock.waits() > 1; }));  // woke, found nothing, waits again
  link.deliver(kPeer, bytes("ok"));
  ASSERT_EQ(receiving.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(*receiving.get(), 2u);
}
