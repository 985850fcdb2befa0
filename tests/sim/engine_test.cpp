// The discrete-event engine: time order, ties by scheduling order, cancel,
// and event sequences among closures.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "espnow/sim/engine.hpp"

using namespace espnow::sim;

namespace {

// Events at given times, in one sequence; each writes "<name><item>@<now>"
// to the log, then does what on_run says.
class Listed final : public EventSequence {
 public:
  Listed(Engine& engine, std::string name, std::vector<Time> times, std::vector<std::string>& log)
      : engine_(engine), name_(std::move(name)), times_(std::move(times)), log_(log),
        first_seq_(engine.reserve(times_.size())) {}
  void start() { engine_.add(*this, times_[0], first_seq_, 0, times_.size()); }
  bool next(std::uint32_t item, Time& when, std::uint64_t& seq, std::uint32_t& next_item) const override {
    if (item + 1 >= times_.size()) return false;
    next_item = item + 1;
    when = times_[next_item];
    seq = first_seq_ + next_item;
    return true;
  }
  void run(std::uint32_t item) override {
    log_.push_back(name_ + std::to_string(item) + "@" + std::to_string(engine_.now()));
    if (on_run) on_run(item);
  }
  std::function<void(std::uint32_t)> on_run;

 private:
  Engine& engine_;
  std::string name_;
  std::vector<Time> times_;
  std::vector<std::string>& log_;
  std::uint64_t first_seq_;
};

using Log = std::vector<std::string>;

}  // namespace

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

// A sequence's events take their places among closures and other sequences
// by (time, sequence number), a tie going to what was scheduled first.
TEST(SimEngine, SequenceEventsInterleaveWithClosuresAndOtherSequencesInTimeOrder) {
  Engine e;
  Log log;
  Listed a(e, "a", {10, 20, 30, 40}, log);  // its numbers are taken first: it wins the tie at 40
  Listed b(e, "b", {15, 25}, log);
  a.start();
  b.start();
  e.at(22, [&] { log.push_back("c@22"); });
  e.at(40, [&] { log.push_back("d@40"); });
  e.run();
  EXPECT_EQ(log, (Log{"a0@10", "b0@15", "a1@20", "c@22", "b1@25", "a2@30", "a3@40", "d@40"}));
  EXPECT_EQ(e.events_run(), 8u);
  EXPECT_EQ(e.pending(), 0u);
}

// What a sequence's event schedules runs in its place, before the
// sequence's own later events: a closure, another sequence, a closure due
// at once; a closure cancelled by it does not run.
TEST(SimEngine, WhatASequenceEventAddsRunsBeforeTheSequencesLaterEvents) {
  Engine e;
  Log log;
  Listed a(e, "a", {10, 20, 30, 40}, log);
  Listed b(e, "b", {25, 26}, log);
  const EventId doomed = e.at(35, [&] { log.push_back("doomed"); });
  a.on_run = [&](std::uint32_t item) {
    if (item == 0) e.at(15, [&] { log.push_back("x@15"); });
    if (item == 1) b.start();
    if (item == 2) {
      e.after(0, [&] { log.push_back("now@30"); });
      e.cancel(doomed);
    }
  };
  a.start();
  e.run_until(100);
  EXPECT_EQ(log, (Log{"a0@10", "x@15", "a1@20", "b0@25", "b1@26", "a2@30", "now@30", "a3@40"}));
  EXPECT_EQ(e.now(), 100);
}

// run_until stops between two events of one sequence, and goes on from there.
TEST(SimEngine, RunUntilStopsWithinASequence) {
  Engine e;
  Log log;
  Listed a(e, "a", {10, 20, 30}, log);
  a.start();
  e.run_until(20);
  EXPECT_EQ(log, (Log{"a0@10", "a1@20"}));
  EXPECT_EQ(e.pending(), 1u);
  e.run_until(25);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(e.now(), 25);
  Time when = 0;
  ASSERT_TRUE(e.next_event_time(when));
  EXPECT_EQ(when, 30);
  e.run();
  EXPECT_EQ(log.back(), "a2@30");
}
