// TxQueue, the simulated radios' bounded transmit queue: order, the bound
// (which counts the frame on the air), wrap-around of its slots, frames up
// to the largest 802.11 frame and no larger, the caller's buffer free at
// once, re-entrant pushes, several producers, and stop() with work pending.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "espnow/common/errors.hpp"
#include "espnow/radio/air_radio.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using espnow::test::wait_for;

namespace {

// Records what the queue's thread transmits, optionally holding each
// transmission until the test opens the gate.
class Air {
 public:
  explicit Air(bool gated = false) : open_(!gated) {}

  TxQueue::Transmit transmit() {
    return [this](std::span<std::uint8_t> frame, PhyRate rate) {
      std::unique_lock lk(m_);
      ++on_air_;
      cv_.notify_all();
      cv_.wait(lk, [&] { return open_; });
      --on_air_;
      frames_.emplace_back(frame.begin(), frame.end());
      rates_.push_back(rate);
      cv_.notify_all();
    };
  }
  void open() {
    std::lock_guard lk(m_);
    open_ = true;
    cv_.notify_all();
  }
  // Waits (with a deadline) until a transmission is held at the gate.
  bool wait_on_air() {
    std::unique_lock lk(m_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return on_air_ > 0; });
  }
  bool wait_count(std::size_t n) {
    std::unique_lock lk(m_);
    return cv_.wait_for(lk, std::chrono::seconds(10), [&] { return frames_.size() >= n; });
  }
  std::vector<std::vector<std::uint8_t>> frames() {
    std::lock_guard lk(m_);
    return frames_;
  }
  std::vector<PhyRate> rates() {
    std::lock_guard lk(m_);
    return rates_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_;
  int on_air_ = 0;
  std::vector<std::vector<std::uint8_t>> frames_;
  std::vector<PhyRate> rates_;
};

std::vector<std::uint8_t> frame(std::uint32_t id, std::size_t size = 24) {
  std::vector<std::uint8_t> f(size, static_cast<std::uint8_t>(id * 31));
  for (std::size_t i = 0; i < 4 && i < size; ++i) f[i] = static_cast<std::uint8_t>(id >> (8 * i));
  return f;
}

std::vector<std::vector<std::uint8_t>> frames(std::uint32_t from, std::uint32_t to) {
  std::vector<std::vector<std::uint8_t>> out;
  for (std::uint32_t i = from; i < to; ++i) out.push_back(frame(i));
  return out;
}

}  // namespace

TEST(TxQueue, FramesGoOutInOrderWithTheirRates) {
  Air air;
  TxQueue q(64, air.transmit());
  for (std::uint32_t i = 0; i < 50; ++i) ASSERT_FALSE(q.push(frame(i), i % 2 ? PhyRate::r54m : PhyRate::r1m));
  ASSERT_TRUE(air.wait_count(50));
  EXPECT_EQ(air.frames(), frames(0, 50));
  const auto rates = air.rates();
  for (std::size_t i = 0; i < rates.size(); ++i) EXPECT_EQ(rates[i], i % 2 ? PhyRate::r54m : PhyRate::r1m);
}

TEST(TxQueue, TheBoundCountsTheFrameOnTheAirAndAFullQueueIsNoMem) {
  Air air(/*gated=*/true);
  TxQueue q(4, air.transmit());
  ASSERT_FALSE(q.push(frame(0), PhyRate::r1m));
  ASSERT_TRUE(air.wait_on_air());
  for (std::uint32_t i = 1; i < 4; ++i) ASSERT_FALSE(q.push(frame(i), PhyRate::r1m));
  EXPECT_EQ(q.push(frame(99), PhyRate::r1m), errc::no_mem);
  EXPECT_FALSE(q.empty());
  air.open();
  ASSERT_TRUE(air.wait_count(4));
  EXPECT_TRUE(wait_for([&] { return q.empty(); }));
  EXPECT_EQ(air.frames(), frames(0, 4));  // the refused frame is nowhere
  ASSERT_FALSE(q.push(frame(4), PhyRate::r1m));  // room again
  ASSERT_TRUE(air.wait_count(5));
}

TEST(TxQueue, ACapacityOfZeroStillHoldsOneFrame) {
  Air air(/*gated=*/true);
  TxQueue q(0, air.transmit());
  ASSERT_FALSE(q.push(frame(0), PhyRate::r1m));
  ASSERT_TRUE(air.wait_on_air());
  EXPECT_EQ(q.push(frame(1), PhyRate::r1m), errc::no_mem);
  air.open();
  ASSERT_TRUE(air.wait_count(1));
  EXPECT_TRUE(wait_for([&] { return q.empty(); }));
  ASSERT_FALSE(q.push(frame(2), PhyRate::r1m));
  ASSERT_TRUE(air.wait_count(2));
  EXPECT_EQ(air.frames(), (std::vector{frame(0), frame(2)}));
}

TEST(TxQueue, EmptyOnlyOnceTheLastFrameHasBeenTransmitted) {
  Air air(/*gated=*/true);
  TxQueue q(4, air.transmit());
  EXPECT_TRUE(q.empty());
  ASSERT_FALSE(q.push(frame(0), PhyRate::r1m));
  ASSERT_TRUE(air.wait_on_air());
  EXPECT_FALSE(q.empty());  // taken off the queue, still on the air: a later frame must wait behind it
  air.open();
  EXPECT_TRUE(wait_for([&] { return q.empty(); }));
  EXPECT_EQ(air.frames().size(), 1u);
}

TEST(TxQueue, SlotsWrapAroundAndKeepTheOrder) {
  Air air;
  TxQueue q(3, air.transmit());
  std::uint32_t next = 0;
  for (int round = 0; round < 20; ++round) {  // two at a time: the head walks round the three slots
    ASSERT_FALSE(q.push(frame(next++), PhyRate::r1m));
    ASSERT_FALSE(q.push(frame(next++), PhyRate::r1m));
    ASSERT_TRUE(air.wait_count(next));
    ASSERT_TRUE(wait_for([&] { return q.empty(); }));
  }
  EXPECT_EQ(air.frames(), frames(0, next));
}

TEST(TxQueue, TheCallersBufferIsFreeAsSoonAsPushReturns) {
  Air air(/*gated=*/true);
  TxQueue q(4, air.transmit());
  std::vector<std::uint8_t> buffer = frame(1);
  ASSERT_FALSE(q.push(buffer, PhyRate::r1m));
  buffer = frame(2);  // reused before the frame went out
  ASSERT_FALSE(q.push(buffer, PhyRate::r1m));
  buffer.assign(buffer.size(), 0);
  air.open();
  ASSERT_TRUE(air.wait_count(2));
  EXPECT_EQ(air.frames(), (std::vector{frame(1), frame(2)}));
}

TEST(TxQueue, TheLargestFrameGoesOutWholeAndALargerOneIsRefused) {
  Air air;
  TxQueue q(4, air.transmit());
  EXPECT_EQ(q.push(frame(1, wire::kMaxFrameSize + 1), PhyRate::r1m), errc::arg);
  EXPECT_TRUE(q.empty());
  ASSERT_FALSE(q.push(frame(2, wire::kMaxFrameSize), PhyRate::r1m));
  ASSERT_FALSE(q.push(frame(3, 1), PhyRate::r1m));  // and the smallest
  ASSERT_TRUE(air.wait_count(2));
  EXPECT_EQ(air.frames(), (std::vector{frame(2, wire::kMaxFrameSize), frame(3, 1)}));
}

TEST(TxQueue, ATransmissionMayQueueAnotherFrame) {
  // As a MAC queueing a follow-up from its transmitter thread.
  std::mutex m;
  std::vector<std::vector<std::uint8_t>> sent;
  TxQueue* self = nullptr;
  TxQueue q(2, [&](std::span<std::uint8_t> f, PhyRate rate) {
    {
      std::lock_guard lk(m);
      sent.emplace_back(f.begin(), f.end());
    }
    if (f[0] == 1) {
      EXPECT_FALSE(self->push(frame(2), rate));  // the frame on the air holds a slot: one is free
    }
  });
  self = &q;
  ASSERT_FALSE(q.push(frame(1), PhyRate::r1m));
  EXPECT_TRUE(wait_for([&] {
    std::lock_guard lk(m);
    return sent.size() == 2;
  }));
  EXPECT_TRUE(wait_for([&] { return q.empty(); }));
  q.stop();
  EXPECT_EQ(sent, (std::vector{frame(1), frame(2)}));
}

TEST(TxQueue, SeveralProducersEachKeepTheirOrderAndNothingIsLostOrDoubled) {
  Air air;
  constexpr std::uint32_t kThreads = 4, kEach = 200;
  {
    TxQueue q(8, air.transmit());
    std::vector<std::thread> producers;
    for (std::uint32_t t = 0; t < kThreads; ++t)
      producers.emplace_back([&q, t] {
        for (std::uint32_t i = 0; i < kEach; ++i) {
          const auto f = frame((t << 16) | i);
          // A full queue is NO_MEM: try again once the transmitter made room.
          std::error_code ec;
          ASSERT_TRUE(wait_for([&] { return (ec = q.push(f, PhyRate::r1m)) != errc::no_mem; }));
          ASSERT_FALSE(ec);
        }
      });
    for (auto& p : producers) p.join();
    ASSERT_TRUE(air.wait_count(kThreads * kEach));
  }
  std::vector<std::uint32_t> next(kThreads, 0);
  for (const auto& f : air.frames()) {
    const std::uint32_t id = static_cast<std::uint32_t>(f[0] | (f[1] << 8) | (f[2] << 16)) | (static_cast<std::uint32_t>(f[3]) << 24);
    const std::uint32_t t = id >> 16;
    ASSERT_LT(t, kThreads);
    EXPECT_EQ(id & 0xffff, next[t]++) << "producer " << t;
  }
  for (std::uint32_t t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kEach);
}

TEST(TxQueue, StopLetsTheFrameOnTheAirFinishDropsTheQueuedOnesAndRefusesMore) {
  Air air(/*gated=*/true);
  TxQueue q(3, air.transmit());
  for (std::uint32_t i = 0; i < 3; ++i) ASSERT_FALSE(q.push(frame(i), PhyRate::r1m));
  ASSERT_TRUE(air.wait_on_air());
  std::thread stopper([&] { q.stop(); });
  // The queue is full (NO_MEM) until stop() has begun; from then on INTERNAL.
  EXPECT_TRUE(wait_for([&] { return q.push(frame(9), PhyRate::r1m) == errc::internal; }));
  air.open();
  stopper.join();  // returns once the frame on the air was transmitted
  EXPECT_EQ(air.frames(), frames(0, 1));
  EXPECT_EQ(q.push(frame(10), PhyRate::r1m), errc::internal);
  q.stop();  // again: harmless
}

TEST(TxQueue, StopBeforeAnyFrameAndDestructionWithFramesQueuedAreHarmless) {
  Air air(/*gated=*/true);
  {
    TxQueue q(4, air.transmit());
    q.stop();  // no thread was ever started
    EXPECT_EQ(q.push(frame(0), PhyRate::r1m), errc::internal);
  }
  {
    Air open_air;
    TxQueue q(4, open_air.transmit());
    for (std::uint32_t i = 0; i < 4; ++i) (void)q.push(frame(i), PhyRate::r1m);
  }  // destroyed with frames possibly still queued: joins, drops them
  EXPECT_TRUE(air.frames().empty());
}
