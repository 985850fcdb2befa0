// RxRing, ESPNow's receive buffer: byte accounting (13 bytes of overhead per
// record), exact fits, refusals that store nothing, records wrapping around
// the end (header or body split), and FIFO order against a model.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "api/rx_ring.hpp"

using namespace espnow;
using espnow::detail::RxRecordHeader;
using espnow::detail::RxRing;

namespace {

constexpr std::size_t kOverhead = RxRing::kOverhead;

struct Record {
  RxRecordHeader header;
  std::vector<std::uint8_t> message;
};

Record record(std::size_t length, std::uint8_t seed) {
  Record r;
  r.header.rssi = static_cast<std::int8_t>(-40 - seed % 50);
  r.header.time_ms = 0xfedc0000u + seed;
  r.header.mac = MacAddress{{0x02, seed, 0, 0, 0, static_cast<std::uint8_t>(length)}};
  r.message.resize(length);
  for (std::size_t i = 0; i < length; ++i) r.message[i] = static_cast<std::uint8_t>(seed + i * 7);
  return r;
}

bool push(RxRing& ring, const Record& r) { return ring.push(r.header, r.message); }

// Pops the oldest record and checks it is `want`, header and bytes.
void expect_pop(RxRing& ring, const Record& want) {
  ASSERT_FALSE(ring.empty());
  const RxRecordHeader h = ring.front();
  EXPECT_EQ(h.length, want.message.size());
  EXPECT_EQ(h.rssi, want.header.rssi);
  EXPECT_EQ(h.time_ms, want.header.time_ms);
  EXPECT_EQ(h.mac, want.header.mac);
  std::vector<std::uint8_t> out(h.length);
  ring.pop(out);
  EXPECT_EQ(out, want.message);
}

}  // namespace

TEST(RxRing, ARecordComesBackWithItsHeaderAndBytes) {
  RxRing ring;
  ring.reset(100);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.capacity(), 100u);
  const Record r = record(10, 3);
  ASSERT_TRUE(push(ring, r));
  EXPECT_FALSE(ring.empty());
  EXPECT_EQ(ring.count(), 1u);
  EXPECT_EQ(ring.bytes_used(), kOverhead + 10);
  expect_pop(ring, r);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.bytes_used(), 0u);
}

TEST(RxRing, TheLengthIsTheMessagesNotTheHeaders) {
  RxRing ring;
  ring.reset(64);
  Record r = record(5, 1);
  r.header.length = 999;  // ignored: the ring stores the message's own size
  ASSERT_TRUE(push(ring, r));
  EXPECT_EQ(ring.front().length, 5u);
}

TEST(RxRing, AnEmptyMessageCostsOnlyTheOverhead) {
  RxRing ring;
  ring.reset(kOverhead);
  const Record r = record(0, 9);
  ASSERT_TRUE(push(ring, r));
  EXPECT_EQ(ring.bytes_used(), kOverhead);
  EXPECT_FALSE(push(ring, r));  // full
  expect_pop(ring, r);
}

TEST(RxRing, TheDefault526BytesHoldExactlyTwo250ByteMessages) {
  RxRing ring;
  ring.reset(526);
  ASSERT_TRUE(push(ring, record(250, 1)));
  ASSERT_TRUE(push(ring, record(250, 2)));
  EXPECT_EQ(ring.bytes_used(), 526u);
  EXPECT_FALSE(push(ring, record(0, 3)));  // not even an empty one
  expect_pop(ring, record(250, 1));
  expect_pop(ring, record(250, 2));
}

TEST(RxRing, AnExactFitIsTakenAndOneByteMoreIsRefused) {
  RxRing ring;
  ring.reset(100);
  ASSERT_TRUE(push(ring, record(20, 1)));  // 33 used, 67 free
  EXPECT_FALSE(push(ring, record(67 - kOverhead + 1, 2)));
  EXPECT_EQ(ring.count(), 1u);
  EXPECT_EQ(ring.bytes_used(), 33u);
  ASSERT_TRUE(push(ring, record(67 - kOverhead, 2)));
  EXPECT_EQ(ring.bytes_used(), 100u);
  expect_pop(ring, record(20, 1));
  expect_pop(ring, record(67 - kOverhead, 2));
}

TEST(RxRing, AMessageLargerThanTheRingIsRefusedAndNothingChanges) {
  RxRing ring;
  ring.reset(50);
  ASSERT_TRUE(push(ring, record(4, 1)));
  EXPECT_FALSE(push(ring, record(1470, 2)));
  EXPECT_FALSE(push(ring, record(50, 3)));  // the message alone fills it: no room for the overhead
  EXPECT_EQ(ring.count(), 1u);
  EXPECT_EQ(ring.bytes_used(), kOverhead + 4);
  expect_pop(ring, record(4, 1));
  EXPECT_TRUE(ring.empty());
}

TEST(RxRing, AZeroCapacityRingRefusesEverything) {
  RxRing ring;
  ring.reset(0);
  EXPECT_FALSE(push(ring, record(0, 1)));
  EXPECT_FALSE(push(ring, record(1, 1)));
  EXPECT_TRUE(ring.empty());
}

TEST(RxRing, AHeaderSplitAcrossTheEndComesBackWhole) {
  RxRing ring;
  ring.reset(60);
  ASSERT_TRUE(push(ring, record(17, 1)));  // [0, 30)
  ASSERT_TRUE(push(ring, record(7, 2)));   // [30, 50)
  expect_pop(ring, record(17, 1));         // 40 bytes free: 10 at the end, 30 at the start
  const Record wraps = record(20, 3);      // header: 10 bytes at the end, 3 at the start; body after
  ASSERT_TRUE(push(ring, wraps));
  EXPECT_EQ(ring.bytes_used(), 20u + kOverhead + 20);
  expect_pop(ring, record(7, 2));
  expect_pop(ring, wraps);
  EXPECT_TRUE(ring.empty());
}

TEST(RxRing, ABodySplitAcrossTheEndComesBackWhole) {
  RxRing ring;
  ring.reset(70);
  ASSERT_TRUE(push(ring, record(17, 1)));  // [0, 30)
  ASSERT_TRUE(push(ring, record(7, 2)));   // [30, 50)
  expect_pop(ring, record(17, 1));
  const Record wraps = record(20, 3);      // header [50, 63); body: 7 bytes at the end, 13 at the start
  ASSERT_TRUE(push(ring, wraps));
  expect_pop(ring, record(7, 2));
  expect_pop(ring, wraps);
  EXPECT_TRUE(ring.empty());
}

TEST(RxRing, EveryPositionOfTheSplitComesBackWhole) {
  // A record filling the rest of a 64-byte ring from each offset the fillers
  // reach (26..63): the end of the ring falls 1..38 bytes into it, so in the
  // header, between header and body, or in the body.
  constexpr std::size_t kCapacity = 64;
  for (std::size_t start = kOverhead; start + kOverhead <= kCapacity; ++start) {
    RxRing ring;
    ring.reset(kCapacity);
    const Record filler = record(start - kOverhead, 1);
    const Record keeper = record(0, 2);
    ASSERT_TRUE(push(ring, filler));
    ASSERT_TRUE(push(ring, keeper));
    expect_pop(ring, filler);  // keeper, at `start`, is the oldest: the next record goes after it
    const std::size_t free = kCapacity - kOverhead;
    const Record wraps = record(free - kOverhead, static_cast<std::uint8_t>(start));  // exactly the rest
    ASSERT_TRUE(push(ring, wraps)) << "start " << start;
    EXPECT_EQ(ring.bytes_used(), kCapacity);
    expect_pop(ring, keeper);
    expect_pop(ring, wraps);
    EXPECT_TRUE(ring.empty()) << "start " << start;
  }
}

TEST(RxRing, OnceEmptyTheWholeCapacityIsFreeWhereverTheHeadWas) {
  RxRing ring;
  ring.reset(80);
  ASSERT_TRUE(push(ring, record(30, 1)));
  ASSERT_TRUE(push(ring, record(10, 2)));
  expect_pop(ring, record(30, 1));
  expect_pop(ring, record(10, 2));
  const Record whole = record(80 - kOverhead, 3);
  ASSERT_TRUE(push(ring, whole));
  expect_pop(ring, whole);
}

TEST(RxRing, ClearDropsEverythingAndResetResizes) {
  RxRing ring;
  ring.reset(100);
  ASSERT_TRUE(push(ring, record(10, 1)));
  ASSERT_TRUE(push(ring, record(10, 2)));
  ring.clear();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.count(), 0u);
  EXPECT_EQ(ring.bytes_used(), 0u);
  EXPECT_EQ(ring.capacity(), 100u);
  ASSERT_TRUE(push(ring, record(87, 3)));  // all of it again
  ring.reset(20);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.capacity(), 20u);
  EXPECT_FALSE(push(ring, record(8, 4)));
  ASSERT_TRUE(push(ring, record(7, 4)));
  expect_pop(ring, record(7, 4));
}

TEST(RxRing, GrowingKeepsWrappedRecordsInOrderAndNeverShrinks) {
  RxRing ring;
  ring.reset(3 * (kOverhead + 40));
  const Record r1 = record(40, 1), r2 = record(40, 2), r3 = record(40, 3), r4 = record(40, 4);
  ASSERT_TRUE(push(ring, r1) && push(ring, r2) && push(ring, r3));
  expect_pop(ring, r1);
  ASSERT_TRUE(push(ring, r4));  // wraps around the end
  ring.grow(1000);
  EXPECT_EQ(ring.capacity(), 1000u);
  EXPECT_EQ(ring.count(), 3u);
  const Record big = record(500, 5);
  ASSERT_TRUE(push(ring, big));
  expect_pop(ring, r2);
  expect_pop(ring, r3);
  expect_pop(ring, r4);
  expect_pop(ring, big);
  ring.grow(10);
  EXPECT_EQ(ring.capacity(), 1000u);
}

TEST(RxRing, RandomPushesAndPopsMatchAFifoModel) {
  // Many wrap positions and fill levels; seeded, so a failure reproduces.
  std::mt19937 rng(20240611);
  for (std::size_t capacity : {13u, 40u, 100u, 526u}) {
    RxRing ring;
    ring.reset(capacity);
    std::deque<Record> model;
    std::size_t used = 0;
    for (int step = 0; step < 4000; ++step) {
      if (rng() % 3 != 0) {
        const Record r = record(rng() % (capacity + 5), static_cast<std::uint8_t>(step));
        const bool fits = kOverhead + r.message.size() <= capacity - used;
        ASSERT_EQ(push(ring, r), fits) << "capacity " << capacity << " step " << step;
        if (fits) {
          model.push_back(r);
          used += kOverhead + r.message.size();
        }
      } else if (!model.empty()) {
        expect_pop(ring, model.front());
        used -= kOverhead + model.front().message.size();
        model.pop_front();
      }
      ASSERT_EQ(ring.count(), model.size());
      ASSERT_EQ(ring.bytes_used(), used);
      ASSERT_EQ(ring.empty(), model.empty());
      if (HasFailure()) return;
    }
  }
}
