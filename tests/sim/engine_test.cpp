// The discrete-event engine: time order, ties by scheduling order, cancel.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "espnow/sim/engine.hpp"

using namespace espnow::sim;

TEST(SimEngine, RunsEventsInTimeOrder) {
  Engine e;
  std::vector<int> order;
  e.at(300, [&] { order.push_back(3); });
  e.at(100, [&] { order.push_back(1); });
  e.at(200, [&] { order.push_back(2); });
  e.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(e.now(), 300);
  EXPECT_EQ(e.events_run(), 3u);
}

TEST(SimEngine, BreaksTiesBySchedulingOrder) {
  Engine e;
  std::string order;
  for (char c : std::string("abcdefghij")) e.at(50, [&, c] { order += c; });
  // An event scheduled for now from inside an event runs after those already due now.
  e.at(50, [&] { e.at(50, [&] { order += 'Z'; }); });
  e.run();
  EXPECT_EQ(order, "abcdefghijZ");
}

TEST(SimEngine, CancelledEventsDoNotRun) {
  Engine e;
  int ran = 0;
  const EventId a = e.at(10, [&] { ran += 1; });
  e.at(20, [&] { ran += 10; });
  EXPECT_TRUE(e.cancel(a));
  EXPECT_FALSE(e.cancel(a));
  EXPECT_EQ(e.pending(), 1u);
  e.run();
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(e.cancel(EventId{}));
}

TEST(SimEngine, ACancelledSlotIsReusedSafely) {
  Engine e;
  int ran = 0;
  for (int round = 0; round < 100; ++round) {
    const EventId id = e.after(5, [&] { ran += 1000; });
    e.cancel(id);
    e.after(1, [&] { ran += 1; });
    e.run();
  }
  EXPECT_EQ(ran, 100);
}

TEST(SimEngine, RunUntilStopsAtTheBoundaryAndAdvancesTime) {
  Engine e;
  int ran = 0;
  e.at(microseconds(10), [&] { ++ran; });
  e.at(microseconds(20), [&] { ++ran; });
  e.run_until(microseconds(10));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(e.now(), microseconds(10));
  e.run_until(microseconds(15));
  EXPECT_EQ(e.now(), microseconds(15));
  EXPECT_EQ(ran, 1);
  e.run_until(seconds(1));
  EXPECT_EQ(ran, 2);
}

TEST(SimEngine, AnEventInThePastRunsNow) {
  Engine e;
  e.run_until(100);
  Time seen = -1;
  e.at(5, [&] { seen = e.now(); });
  e.run();
  EXPECT_EQ(seen, 100);
}

TEST(SimEngine, TimeUnits) {
  EXPECT_EQ(microseconds(1), 1000);
  EXPECT_EQ(milliseconds(2), 2000000);
  EXPECT_EQ(seconds(1.5), 1500000000);
  EXPECT_DOUBLE_EQ(to_seconds(seconds(3)), 3.0);
}

TEST(SimEngine, NextEventTimeSkipsCancelledEventsAndSaysWhenNoneIsPending) {
  Engine e;
  Time when = -1;
  EXPECT_FALSE(e.next_event_time(when));
  const EventId first = e.at(microseconds(5), [] {});
  e.at(microseconds(9), [] {});
  ASSERT_TRUE(e.next_event_time(when));
  EXPECT_EQ(when, microseconds(5));
  e.cancel(first);
  ASSERT_TRUE(e.next_event_time(when));
  EXPECT_EQ(when, microseconds(9));  // the timed air's driver sleeps until then, not until 5
  e.run();
  EXPECT_FALSE(e.next_event_time(when));
}
