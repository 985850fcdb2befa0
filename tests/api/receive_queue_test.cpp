// The receive queue, driven by hand: arrivals and pops in, wake-up decisions
// and peers_table out, receive deadlines computed on a manual clock. No
// threads, no sleeps.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/receive_queue.hpp"
#include "support/manual_clock.hpp"

using namespace espnow;
using namespace espnow::detail;
using namespace espnow::literals;
using namespace std::chrono_literals;

namespace {

constexpr MacAddress kA = "aa:aa:aa:aa:aa:aa"_mac;
constexpr MacAddress kB = "ba:bb:bb:bb:bb:bb"_mac;

RxRecordHeader from(MacAddress mac, int rssi = -40, std::uint32_t time_ms = 7) {
  return {0, static_cast<std::int8_t>(rssi), time_ms, mac};
}
std::vector<std::uint8_t> payload(std::size_t n, std::uint8_t fill = 'x') { return std::vector<std::uint8_t>(n, fill); }
MacAddress mac_n(int i) { return MacAddress{{2, 0, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}}; }

struct Queue : ::testing::Test {
  Queue() { q.open(526); }
  ReceiveQueue q;
  test::ManualClock clock;
  std::uint8_t buf[250];
};

}  // namespace

// ---- arrivals and wake-ups

TEST_F(Queue, TheFirstMessageMakesTheQueueReadableAndTheNextDoesNot) {
  const auto m = payload(10);
  const auto first = q.on_message(from(kA), m);
  EXPECT_TRUE(first.stored);
  EXPECT_TRUE(first.now_readable);
  const auto second = q.on_message(from(kA), m);
  EXPECT_TRUE(second.stored);
  EXPECT_FALSE(second.now_readable);
  EXPECT_EQ(q.count(), 2u);
}

TEST_F(Queue, AnArrivalWakesAReceiverOnlyWhenOneWaits) {
  const auto m = payload(10);
  std::array<std::uint8_t, 64> out;
  EXPECT_FALSE(q.on_message(from(kA), m).wake_receiver);
  ASSERT_EQ(q.pop(out).status, detail::ReceiveQueue::Pop::popped);
  q.waiter_started();
  EXPECT_TRUE(q.on_message(from(kA), m).wake_receiver);
  q.waiter_done();
  ASSERT_EQ(q.pop(out).status, detail::ReceiveQueue::Pop::popped);
  EXPECT_FALSE(q.on_message(from(kA), m).wake_receiver);
}

// Receivers wait only while the buffer is empty, and the arrival that ends
// that wakes all of them; a second arrival before they ran wakes nobody (a
// futex wake per message in a stream, measured).
TEST_F(Queue, OnlyTheArrivalIntoAnEmptyBufferWakesReceivers) {
  const auto m = payload(10);
  q.waiter_started();
  EXPECT_TRUE(q.on_message(from(kA), m).wake_receiver);
  EXPECT_FALSE(q.on_message(from(kA), m).wake_receiver);
  q.waiter_done();
}

TEST_F(Queue, TheDefaultBufferHoldsTwo250ByteMessagesAndDropsTheThird) {
  const auto m = payload(250);
  EXPECT_TRUE(q.on_message(from(kA), m).stored);
  EXPECT_TRUE(q.on_message(from(kA), m).stored);
  const auto third = q.on_message(from(kA), m);
  EXPECT_FALSE(third.stored);
  EXPECT_FALSE(third.wake_receiver);
  EXPECT_EQ(q.bytes_used(), 526u);
}

TEST_F(Queue, AClosedQueueStoresNothingAndEndsEveryWait) {
  const auto m = payload(10);
  ASSERT_TRUE(q.on_message(from(kA), m).stored);
  q.close();
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.on_message(from(kA), m).stored);
  EXPECT_EQ(q.receive_wait(std::nullopt, clock.now()).kind, WaitStep::ready);
}

// ---- popping

TEST_F(Queue, APopReturnsTheOldestMessageWithItsSenderRssiAndTime) {
  ASSERT_TRUE(q.on_message(from(kA, -41, 100), payload(3, 'a')).stored);
  ASSERT_TRUE(q.on_message(from(kB, -52, 200), payload(4, 'b')).stored);
  const auto p = q.pop(buf);
  ASSERT_EQ(p.status, ReceiveQueue::Pop::popped);
  EXPECT_EQ(p.length, 3u);
  EXPECT_EQ(buf[0], 'a');
  EXPECT_EQ(*p.message.mac, kA);
  EXPECT_EQ(p.message.rssi, -41);
  EXPECT_EQ(p.message.time_ms, 100u);
  EXPECT_FALSE(p.now_empty);
  const auto last = q.pop(buf);
  EXPECT_EQ(last.length, 4u);
  EXPECT_TRUE(last.now_empty);
  EXPECT_EQ(q.pop(buf).status, ReceiveQueue::Pop::empty);
}

TEST_F(Queue, AMessageLongerThanTheBufferStaysBufferedForABiggerOne) {
  ASSERT_TRUE(q.on_message(from(kA), payload(100)).stored);
  std::uint8_t small[50];
  EXPECT_EQ(q.pop(small).status, ReceiveQueue::Pop::too_small);
  EXPECT_EQ(q.count(), 1u);
  EXPECT_EQ(q.peers_size(), 0u);  // not read, so not in peers_table
  EXPECT_EQ(q.pop(buf).length, 100u);
}

// ---- receive deadlines

TEST_F(Queue, AReceiveDeadlineIsTimeoutMsAfterNowZeroIsNowAndNegativeIsNever) {
  clock.advance(3s);
  EXPECT_EQ(ReceiveQueue::deadline(50, clock.now()), clock.now() + 50ms);
  EXPECT_EQ(ReceiveQueue::deadline(0, clock.now()), clock.now());
  EXPECT_EQ(ReceiveQueue::deadline(-1, clock.now()), std::nullopt);
  EXPECT_EQ(ReceiveQueue::deadline(std::int64_t{1} << 50, clock.now()), std::nullopt);  // ~35 000 years
  EXPECT_EQ(ReceiveQueue::deadline(300000, clock.now()), clock.now() + 5min);
}

TEST_F(Queue, AReceiveWaitsUntilItsDeadlineThenTimesOut) {
  const auto deadline = ReceiveQueue::deadline(50, clock.now());
  auto step = q.receive_wait(deadline, clock.now());
  EXPECT_EQ(step.kind, WaitStep::wait);
  EXPECT_EQ(step.until, deadline);
  clock.advance(49ms);
  EXPECT_EQ(q.receive_wait(deadline, clock.now()).kind, WaitStep::wait);
  clock.advance(1ms);
  EXPECT_EQ(q.receive_wait(deadline, clock.now()).kind, WaitStep::timed_out);
}

TEST_F(Queue, AZeroTimeoutOnAnEmptyQueueTimesOutAtOnce) {
  EXPECT_EQ(q.receive_wait(ReceiveQueue::deadline(0, clock.now()), clock.now()).kind, WaitStep::timed_out);
}

TEST_F(Queue, AReceiveWithNoDeadlineWaitsUnboundedUntilAMessageComes) {
  auto step = q.receive_wait(ReceiveQueue::deadline(-1, clock.now()), clock.now());
  EXPECT_EQ(step.kind, WaitStep::wait);
  EXPECT_FALSE(step.until);
  clock.advance(24h * 365);
  EXPECT_EQ(q.receive_wait(std::nullopt, clock.now()).kind, WaitStep::wait);
  ASSERT_TRUE(q.on_message(from(kA), payload(1)).stored);
  EXPECT_EQ(q.receive_wait(std::nullopt, clock.now()).kind, WaitStep::ready);
}

TEST_F(Queue, AMessageAlreadyBufferedEndsEvenAnExpiredWaitAsReady) {
  ASSERT_TRUE(q.on_message(from(kA), payload(1)).stored);
  const auto deadline = ReceiveQueue::deadline(0, clock.now());
  clock.advance(1s);
  EXPECT_EQ(q.receive_wait(deadline, clock.now()).kind, WaitStep::ready);
}

// ---- peers_table

TEST_F(Queue, PeersTableChangesWhenAMessageIsReadNotWhenItArrives) {
  ASSERT_TRUE(q.on_message(from(kA, -30, 5), payload(1)).stored);
  EXPECT_TRUE(q.peers_table().empty());
  const auto p = q.pop(buf);
  const auto table = q.peers_table();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].first, kA);
  EXPECT_EQ(table[0].second.rssi, -30);
  EXPECT_EQ(table[0].second.time_ms, 5u);
  ASSERT_TRUE(q.on_message(from(kA, -60, 9), payload(1)).stored);
  EXPECT_EQ(q.pop(buf).message.mac, p.message.mac);  // one key per sender, always the same
  EXPECT_EQ(q.peers_table()[0].second.rssi, -60);
}

TEST_F(Queue, PeersTableKeepsAtMostItsBoundAndEvictsTheSenderReadFromLongestAgo) {
  q.set_peers_table_max(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(q.on_message(from(mac_n(i)), payload(1)).stored);
    (void)q.pop(buf);
  }
  ASSERT_TRUE(q.on_message(from(mac_n(0)), payload(1)).stored);  // 0 read again: 1 is now the oldest
  (void)q.pop(buf);
  ASSERT_TRUE(q.on_message(from(mac_n(3)), payload(1)).stored);
  (void)q.pop(buf);
  EXPECT_EQ(q.peers_size(), 3u);
  EXPECT_EQ(q.evictions(), 1u);
  auto table = q.peers_table();
  std::vector<MacAddress> macs;
  for (auto& [mac, entry] : table) macs.push_back(mac);
  std::sort(macs.begin(), macs.end());
  EXPECT_EQ(macs, (std::vector<MacAddress>{mac_n(0), mac_n(2), mac_n(3)}));
}

TEST_F(Queue, ALowerBoundAppliesFromTheNextNewSender) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(q.on_message(from(mac_n(i)), payload(1)).stored);
    (void)q.pop(buf);
  }
  q.set_peers_table_max(2);
  EXPECT_EQ(q.peers_size(), 5u);
  ASSERT_TRUE(q.on_message(from(mac_n(1)), payload(1)).stored);  // known: no eviction
  (void)q.pop(buf);
  EXPECT_EQ(q.evictions(), 0u);
  ASSERT_TRUE(q.on_message(from(mac_n(9)), payload(1)).stored);
  (void)q.pop(buf);
  EXPECT_EQ(q.peers_size(), 2u);
  EXPECT_EQ(q.evictions(), 4u);
}
