// TxMachine, the transmit state machine every shell (instant air, UDP air,
// Linux radio) runs: driven here by hand, time passed in as numbers, no
// thread and no clock. Attempts and the retry bit, the ACK deadline, late
// ACKs, reports in transmit order, the bounded queue, group frames, absent
// destinations, the window with its per-destination order, stream numbers
// and airtime.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <vector>

#include "espnow/common/errors.hpp"
#include "espnow/radio/tx_machine.hpp"

using namespace espnow;
using namespace std::chrono_literals;
using Time = TxMachine::Time;

namespace {

const MacAddress kSrc{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddress kB{{0x02, 0, 0, 0, 0, 0x0B}};
const MacAddress kC{{0x02, 0, 0, 0, 0, 0x0C}};
const MacAddress kBroadcast{{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}};

// A management frame to `dst` carrying `id` in its body, FCS space included.
std::vector<std::uint8_t> frame_to(const MacAddress& dst, std::uint8_t id, std::size_t size = 40) {
  std::vector<std::uint8_t> f(size, id);
  f[0] = 0xD0, f[1] = 0;  // action frame, no flags
  std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin() + 4);
  std::copy(kSrc.bytes.begin(), kSrc.bytes.end(), f.begin() + 10);
  return f;
}

struct Sent {
  std::vector<std::uint8_t> frame;
  MacAddress dst;
  bool retry;
  std::uint32_t tag, stream, base;
  bool retry_bit() const { return (frame[1] & wire::kFlagRetry) != 0; }
  std::uint8_t id() const { return frame[wire::kHeaderLen]; }  // the FCS at the end changes with the retry bit
};

class RecordingMedium final : public TxMachine::Medium {
 public:
  bool reachable(const MacAddress& dst, PhyRate) override { return !absent.contains(dst); }
  void send(const TxMachine::Attempt& a) override {
    sent.push_back({{a.frame.begin(), a.frame.end()}, a.dst, a.retry, a.tag, a.stream, a.base});
  }
  std::set<MacAddress> absent;
  std::vector<Sent> sent;
};

// A machine with its own slots, as a shell holds them.
struct Machine {
  explicit Machine(TxMachineOptions o, std::size_t capacity = 4) : slots(capacity), tx(slots, o) {}
  std::vector<TxSlot> slots;
  TxMachine tx;
};

TxMachineOptions unicast_options(int max_retries = 5, std::size_t window = 1) {
  return {.max_retries = max_retries, .ack_timeout = 10ms, .absent_ack_wait = 2ms, .window = window};
}

// The first attempt of one frame to `dst`, put on the air at 0 ms.
void start_one(Machine& m, RecordingMedium& air, const MacAddress& dst = kB) {
  ASSERT_FALSE(m.tx.submit(frame_to(dst, 1), PhyRate::r1m));
  m.tx.pump(0ms, air);
}

// Queues one frame to each destination, numbered 1, 2, ... in their bodies.
void submit_each(Machine& m, std::initializer_list<MacAddress> dsts) {
  std::uint8_t id = 0;
  for (const MacAddress& dst : dsts) ASSERT_FALSE(m.tx.submit(frame_to(dst, ++id), PhyRate::r1m));
}

// The oldest report, which must be there.
TxMachine::Report report_of(Machine& m) {
  const std::optional<TxMachine::Report> r = m.tx.pop_report();
  EXPECT_TRUE(r);
  return r.value_or(TxMachine::Report{});
}

}  // namespace

TEST(TxMachine, AnUnackedUnicastIsRetriedWithTheRetryBitUpToTheLimitThenFails) {
  Machine m(unicast_options(/*max_retries=*/3));
  RecordingMedium air;
  ASSERT_FALSE(m.tx.submit(frame_to(kB, 7), PhyRate::r1m));
  Time now = 0ms;
  EXPECT_EQ(m.tx.pump(now, air), now + 10ms);  // the ACK deadline
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(m.tx.pump(now + 9ms, air), now + 10ms) << "nothing before the deadline";
    EXPECT_EQ(air.sent.size(), std::size_t(attempt));
    now += 10ms;
    EXPECT_EQ(m.tx.pump(now, air), now + 10ms);  // the retry, and its deadline
  }
  ASSERT_EQ(air.sent.size(), 4u);  // the first and 3 retries
  for (std::size_t i = 0; i < air.sent.size(); ++i) {
    EXPECT_EQ(air.sent[i].retry_bit(), i > 0) << i;
    EXPECT_EQ(air.sent[i].retry, i > 0) << i;
    EXPECT_EQ(air.sent[i].tag, air.sent[0].tag) << "one frame, one tag";
    EXPECT_EQ(air.sent[i].id(), 7);
  }
  EXPECT_FALSE(m.tx.pop_report());  // the last attempt still waits for its ACK
  now += 10ms;
  EXPECT_EQ(m.tx.pump(now, air), now);  // a report is due
  EXPECT_EQ(air.sent.size(), 4u);
  const TxMachine::Report r = report_of(m);
  EXPECT_EQ(r.dst, kB);
  EXPECT_FALSE(r.acked);
  EXPECT_TRUE(r.expects_ack);
  EXPECT_TRUE(m.tx.empty());
  EXPECT_EQ(m.tx.pump(now, air), TxMachine::kNever);
}

TEST(TxMachine, AnAckBeforeTheDeadlineFinishesTheFrameWithoutARetry) {
  Machine m(unicast_options());
  RecordingMedium air;
  start_one(m, air);
  EXPECT_EQ(m.tx.awaited(), kB);
  EXPECT_TRUE(m.tx.acked(air.sent[0].tag, 10ms));  // at the deadline itself: still in time
  EXPECT_FALSE(m.tx.awaited());
  EXPECT_EQ(m.tx.pump(10ms, air), 10ms);
  EXPECT_TRUE(report_of(m).acked);
  EXPECT_EQ(air.sent.size(), 1u);
}

TEST(TxMachine, AnAckForARetriedFrameCountsAndAnUntaggedAckNamesTheOldestAwaited) {
  Machine m(unicast_options());
  RecordingMedium air;
  start_one(m, air);
  m.tx.pump(10ms, air);  // a retry
  EXPECT_TRUE(m.tx.acked(0, 12ms));  // a real radio's ACK names no frame
  m.tx.pump(12ms, air);
  EXPECT_TRUE(report_of(m).acked);
  EXPECT_EQ(air.sent.size(), 2u);
}

TEST(TxMachine, AnAckAfterTheLastDeadlineIsIgnoredAndSoIsOneAfterTheReport) {
  Machine m(unicast_options(/*max_retries=*/1));
  RecordingMedium air;
  start_one(m, air);
  m.tx.pump(10ms, air);  // the last attempt: deadline 20 ms
  const std::uint32_t tag = air.sent[0].tag;
  EXPECT_FALSE(m.tx.acked(tag, 21ms));  // late: the frame has failed, though not yet reported
  m.tx.pump(21ms, air);
  EXPECT_FALSE(report_of(m).acked);
  EXPECT_FALSE(m.tx.acked(tag, 22ms));  // after its report: nothing to finish
  EXPECT_FALSE(m.tx.acked(0, 22ms));
  EXPECT_FALSE(m.tx.pop_report());
}

TEST(TxMachine, AnAckForAnUnsentOrUnknownTagFinishesNothing) {
  Machine m(unicast_options(5, /*window=*/1));
  RecordingMedium air;
  submit_each(m, {kB, kC});
  m.tx.pump(0ms, air);  // the window of one: only the first goes out
  ASSERT_EQ(air.sent.size(), 1u);
  EXPECT_FALSE(m.tx.acked(air.sent[0].tag + 1, 1ms));  // the second's tag: never sent, so no ACK can be its
  EXPECT_FALSE(m.tx.acked(12345, 1ms));
  m.tx.pump(1ms, air);
  EXPECT_FALSE(m.tx.pop_report());
}

TEST(TxMachine, ReportsComeInTransmitOrderWhateverOrderTheAcksCome) {
  Machine m(unicast_options(5, /*window=*/4));
  RecordingMedium air;
  submit_each(m, {kB, kC, kBroadcast});
  m.tx.pump(0ms, air);
  ASSERT_EQ(air.sent.size(), 3u);  // all in flight at once
  EXPECT_TRUE(m.tx.acked(air.sent[1].tag, 1ms));  // the second first
  EXPECT_EQ(m.tx.pump(1ms, air), 10ms);  // no report yet: the first is unfinished
  EXPECT_FALSE(m.tx.pop_report());
  EXPECT_TRUE(m.tx.acked(air.sent[0].tag, 2ms));
  std::vector<std::pair<MacAddress, bool>> reports;
  while (auto r = m.tx.pop_report()) reports.emplace_back(r->dst, r->acked);
  EXPECT_EQ(reports, (std::vector<std::pair<MacAddress, bool>>{{kB, true}, {kC, true}, {kBroadcast, true}}));
}

TEST(TxMachine, AFullQueueIsNoMemTheFrameOnTheAirIncludedAndAReportMakesRoom) {
  Machine m(unicast_options(), /*capacity=*/2);
  RecordingMedium air;
  ASSERT_FALSE(m.tx.submit(frame_to(kB, 1), PhyRate::r1m));
  m.tx.pump(0ms, air);  // on the air, still holding its slot
  ASSERT_FALSE(m.tx.submit(frame_to(kB, 2), PhyRate::r1m));
  EXPECT_EQ(m.tx.submit(frame_to(kB, 3), PhyRate::r1m), errc::no_mem);
  EXPECT_EQ(m.tx.size(), 2u);
  m.tx.acked(air.sent[0].tag, 1ms);
  EXPECT_EQ(m.tx.size(), 2u);  // finished but unreported: still there
  EXPECT_EQ(m.tx.submit(frame_to(kB, 3), PhyRate::r1m), errc::no_mem);
  ASSERT_TRUE(m.tx.pop_report());
  ASSERT_FALSE(m.tx.submit(frame_to(kB, 4), PhyRate::r1m));  // room again, the slots wrap round
  m.tx.pump(1ms, air);
  ASSERT_EQ(air.sent.size(), 2u);
  EXPECT_EQ(air.sent[1].id(), 2);  // the refused frame is nowhere
}

TEST(TxMachine, FramesShorterThanAHeaderOrLargerThanASlotAreRefused) {
  Machine m(unicast_options());
  EXPECT_EQ(m.tx.submit(std::vector<std::uint8_t>(wire::kHeaderLen - 1), PhyRate::r1m), errc::arg);
  EXPECT_EQ(m.tx.submit(frame_to(kB, 1, wire::kMaxFrameSize + 1), PhyRate::r1m), errc::arg);
  EXPECT_FALSE(m.tx.submit(frame_to(kB, 1, wire::kMaxFrameSize), PhyRate::r1m));
  EXPECT_EQ(m.tx.size(), 1u);
}

TEST(TxMachine, AGroupFrameGoesOutOnceAndIsReportedAcked) {
  Machine m(unicast_options());
  RecordingMedium air;
  start_one(m, air, kBroadcast);
  EXPECT_EQ(m.tx.pump(0ms, air), 0ms);  // reported at once
  ASSERT_EQ(air.sent.size(), 1u);
  EXPECT_FALSE(air.sent[0].retry_bit());
  EXPECT_TRUE(report_of(m).acked);  // never acknowledged, so never a failure
  m.tx.pump(1s, air);
  EXPECT_EQ(air.sent.size(), 1u);
}

TEST(TxMachine, ARefusedAttemptIsRetriedAtOnce) {
  Machine m(unicast_options());
  RecordingMedium air;
  start_one(m, air);
  m.tx.refused(0, 1ms);  // a TX-status report: the attempt failed
  EXPECT_EQ(m.tx.pump(1ms, air), 11ms);
  ASSERT_EQ(air.sent.size(), 2u);
  EXPECT_TRUE(air.sent[1].retry_bit());
}

TEST(TxMachine, AnUnreachableDestinationGetsItsAttemptsBackToBackAndAShortWait) {
  Machine m(unicast_options(/*max_retries=*/5));
  RecordingMedium air;
  air.absent = {kB};
  start_one(m, air);
  EXPECT_EQ(m.tx.pump(0ms, air), 2ms);  // all six went at once; absent_ack_wait for a late ACK
  ASSERT_EQ(air.sent.size(), 6u);
  for (std::size_t i = 1; i < 6; ++i) EXPECT_TRUE(air.sent[i].retry_bit());
  m.tx.pump(2ms, air);
  const TxMachine::Report r = report_of(m);
  EXPECT_FALSE(r.acked);
  EXPECT_FALSE(r.expects_ack);  // the shell counts it as a fast failure
}

TEST(TxMachine, ADestinationThatBecomesUnreachableStopsTheAckWait) {
  Machine m(unicast_options(/*max_retries=*/1));
  RecordingMedium air;
  start_one(m, air);
  air.absent = {kB};
  m.tx.recheck(1ms, air);  // its deadline is now
  EXPECT_EQ(m.tx.pump(1ms, air), 3ms);  // the retry went back to back, then the short wait
  EXPECT_EQ(air.sent.size(), 2u);
}

TEST(TxMachine, WithAWindowLaterFramesToADestinationGoAheadButCountOnlyInTurn) {
  Machine m(unicast_options(/*max_retries=*/1, /*window=*/4));
  RecordingMedium air;
  submit_each(m, {kB, kB});
  m.tx.pump(0ms, air);
  ASSERT_EQ(air.sent.size(), 2u);  // both in flight
  // Both time out twice: the first fails after its two counted attempts; the
  // second's attempts while the first was unfinished did not count.
  m.tx.pump(10ms, air);
  m.tx.pump(20ms, air);
  EXPECT_FALSE(report_of(m).acked);
  EXPECT_FALSE(m.tx.pop_report());  // the second still has a counted attempt left
  m.tx.pump(30ms, air);
  EXPECT_TRUE(m.tx.acked(0, 31ms));
  EXPECT_TRUE(report_of(m).acked);
}

TEST(TxMachine, StreamsNumberUnicastsPerDestinationAndNameTheLowestUnfinished) {
  Machine m({.ack_timeout = 10ms, .window = 4, .streams = true});
  RecordingMedium air;
  submit_each(m, {kB, kC, kB, kBroadcast});
  m.tx.pump(0ms, air);
  ASSERT_EQ(air.sent.size(), 4u);
  EXPECT_EQ(air.sent[2].stream, air.sent[0].stream + 1);  // B's second
  EXPECT_EQ(air.sent[2].base, air.sent[0].stream);        // B's first is unfinished
  EXPECT_EQ(air.sent[3].stream, 0u);                      // groups have none
  m.tx.acked(air.sent[0].tag, 1ms);
  m.tx.pump(10ms, air);  // B's second is sent again
  ASSERT_EQ(air.sent.size(), 6u);
  const Sent& again = air.sent[4].dst == kB ? air.sent[4] : air.sent[5];
  EXPECT_EQ(again.base, again.stream);  // now the lowest unfinished
}

TEST(TxMachine, WithTimingEachAttemptWaitsDifsAndItsAirtime) {
  Machine m({.ack_timeout = 10ms, .window = 4, .timing = true});
  RecordingMedium air;
  const auto f = frame_to(kBroadcast, 1, 100);
  const Time cost = std::chrono::microseconds(kDifsUs + airtime_us(PhyRate::r1m, 100));
  ASSERT_FALSE(m.tx.submit(f, PhyRate::r1m));
  ASSERT_FALSE(m.tx.submit(f, PhyRate::r1m));
  EXPECT_EQ(m.tx.pump(0ms, air), cost);
  EXPECT_TRUE(air.sent.empty());
  m.tx.pump(cost, air);
  EXPECT_EQ(air.sent.size(), 1u);
  m.tx.pump(2 * cost - 1ns, air);
  EXPECT_EQ(air.sent.size(), 1u);  // the second queues behind the first's airtime
  m.tx.pump(2 * cost, air);
  EXPECT_EQ(air.sent.size(), 2u);
}

TEST(TxMachine, ClearDropsQueuedFramesUnreported) {
  Machine m(unicast_options());
  RecordingMedium air;
  start_one(m, air);
  m.tx.clear();
  EXPECT_TRUE(m.tx.empty());
  EXPECT_FALSE(m.tx.pop_report());
  EXPECT_EQ(m.tx.pump(1s, air), TxMachine::kNever);
  EXPECT_EQ(air.sent.size(), 1u);
}
