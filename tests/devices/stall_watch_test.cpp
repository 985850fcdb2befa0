// The simulation's watchdog rule (src/devices/stall_watch.hpp), on times
// given to it: a run driven as run_for() drives it, looking at each interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include "devices/stall_watch.hpp"

using namespace std::chrono_literals;
using espnow::detail::StallWatch;

namespace {

constexpr StallWatch::Clock::duration kLimit = 30s;
const StallWatch::Clock::time_point kStart{};

struct Fired {
  StallWatch::Clock::time_point at;
  StallWatch::Clock::duration reported;
};

// Looks as run_for() does, one interval apart, at a program that hands the
// baton on every millisecond until `last_handoff` and never after; nullopt
// if the watch has not fired by `give_up`.
std::optional<Fired> run(StallWatch::Clock::time_point last_handoff, StallWatch::Clock::time_point give_up) {
  const auto handoffs_by = [&](StallWatch::Clock::time_point t) {
    const auto handing_on = std::min(t, last_handoff) - kStart;
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(handing_on).count());
  };
  StallWatch watch(kLimit, 0, kStart);
  for (auto now = kStart + watch.interval(); now <= give_up; now += watch.interval())
    if (auto stalled = watch.look(handoffs_by(now), now)) return Fired{now, *stalled};
  return std::nullopt;
}

}  // namespace

TEST(StallWatch, AProgramThatStopsWaitingIsCaughtSoonAfterTheLimitAndTheStallReportedIsNoMoreThanTheReal) {
  const auto last_handoff = kStart + 1500ms;  // then it spins
  const auto fired = run(last_handoff, kStart + 10min);
  ASSERT_TRUE(fired);
  const auto real = fired->at - last_handoff;
  EXPECT_GE(real, kLimit);
  EXPECT_LE(real, kLimit + 2 * (kLimit / 30));  // was up to twice the limit
  EXPECT_GE(fired->reported, kLimit);
  EXPECT_LE(fired->reported, real);
}

TEST(StallWatch, AProgramThatKeepsHandingOnIsNeverCaught) {
  EXPECT_FALSE(run(kStart + 10min, kStart + 10min));
}

TEST(StallWatch, OneThatNeverHandsOnIsCaughtAtTheLimit) {
  const auto fired = run(kStart, kStart + 10min);
  ASSERT_TRUE(fired);
  EXPECT_EQ(fired->at - kStart, kLimit);
  EXPECT_EQ(fired->reported, kLimit);
}
