// SimAir with timing on runs on the discrete-event air: radios contend
// (DCF), frames that overlap at a receiver collide, and stations that cannot
// hear each other are hidden. A held ManualClock lines the frames up at one
// instant, so each run is the same.
#include <gtest/gtest.h>

#include <vector>

#include "espnow/radio/sim_air.hpp"
#include "espnow/wire/frame.hpp"
#include "support/manual_clock.hpp"
#include "support/recording_listener.hpp"
#include "support/wait_for.hpp"

using namespace espnow;
using namespace espnow::literals;
using espnow::test::ManualClock;
using espnow::test::RecordingListener;
using espnow::test::wait_for;

namespace {

std::vector<std::uint8_t> frame_to(const MacAddress& dst, const MacAddress& src, std::uint16_t seq = 0) {
  std::vector<std::uint8_t> f(wire::kMaxFrameSize);
  const std::vector<std::uint8_t> msg(200, 0x5A);
  f.resize(wire::encode({.dst = dst, .src = src, .sequence = seq, .random = seq * 7919u}, msg, f).size);
  return f;
}

// The 802.11 sequence number (Sequence Control, bytes 22-23, above the fragment number).
std::uint16_t sequence_of(const std::vector<std::uint8_t>& f) { return static_cast<std::uint16_t>((f[22] | f[23] << 8) >> 4); }

MacAddress nth(std::uint8_t i) { return MacAddress{{0x02, 0, 0, 0, 0, i}}; }

// Radios on a timed air, each with a listener.
struct TimedAir {
  ManualClock clock;
  std::vector<std::unique_ptr<RecordingListener>> listeners;  // outlive the air
  SimAir air{{.seed = 3, .timing = true, .clock = &clock}};
  std::vector<SimRadio*> radios;

  SimRadio& add(Position pos, std::uint8_t channel = 1) {
    listeners.push_back(std::make_unique<RecordingListener>());
    const auto i = static_cast<std::uint8_t>(radios.size() + 1);
    radios.push_back(*air.add_radio({.mac = nth(i), .channel = channel, .position = pos}));
    radios.back()->set_listener(listeners.back().get());
    return *radios.back();
  }
  RecordingListener& heard(std::size_t i) { return *listeners[i]; }
  ~TimedAir() {
    clock.release();
    for (SimRadio* r : radios) r->set_listener(nullptr);
  }
};

// Sender 0 and sender 2 each queue `frames` unicasts to radio 1 at one
// instant; returns the air's transmissions once all are reported.
std::uint64_t two_senders_to_one(TimedAir& t, int frames) {
  t.clock.hold();
  for (int k = 0; k < frames; ++k) {
    EXPECT_FALSE(t.radios[0]->transmit(frame_to(nth(2), nth(1), static_cast<std::uint16_t>(k)), PhyRate::r1m));
    EXPECT_FALSE(t.radios[2]->transmit(frame_to(nth(2), nth(3), static_cast<std::uint16_t>(k)), PhyRate::r1m));
  }
  t.clock.release();
  const auto n = static_cast<std::size_t>(frames);
  EXPECT_TRUE(wait_for([&] { return t.heard(0).report_count() == n && t.heard(2).report_count() == n; }));
  return t.air.stats().transmissions;
}

}  // namespace

TEST(TimedAir, HiddenStationsCollideAtTheRadioBetweenThemAndRetry) {
  // 400 m apart the senders feel each other at -98 dBm, below detection: they
  // never defer to each other. Within range (100 m) they do.
  TimedAir hidden, visible;
  hidden.add({0, 0}), hidden.add({200, 0}), hidden.add({400, 0});
  visible.add({0, 0}), visible.add({50, 0}), visible.add({100, 0});
  const std::uint64_t hidden_tx = two_senders_to_one(hidden, 16);
  const std::uint64_t visible_tx = two_senders_to_one(visible, 16);
  EXPECT_GT(hidden.air.stats().lost, 10u);  // collisions at the middle radio
  EXPECT_LE(visible.air.stats().lost, 4u);  // a collision only when two backoffs end in one slot
  EXPECT_GT(hidden_tx, visible_tx + 8);     // each collision costs a retry
  EXPECT_LT(visible_tx, 32u + 4u);
  for (bool acked : visible.heard(0).acks()) EXPECT_TRUE(acked);
}

TEST(TimedAir, BroadcastsQueuedAtOneInstantOnAnIdleAirAllCollide) {
  // A frame that finds the medium idle goes after DIFS with no backoff
  // (802.11): ten radios that all do so at once collide everywhere. The
  // instant air, which has no contention, would deliver all 90.
  TimedAir t;
  for (int i = 0; i < 10; ++i) t.add({static_cast<double>(i), 0});
  t.clock.hold();
  for (std::uint8_t i = 0; i < 10; ++i)
    ASSERT_FALSE(t.radios[i]->transmit(frame_to(MacAddress::broadcast(), nth(i + 1)), PhyRate::r1m));
  t.clock.release();
  ASSERT_TRUE(wait_for([&] {
    for (std::size_t i = 0; i < 10; ++i)
      if (t.heard(i).report_count() != 1) return false;
    return true;
  }));
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(t.heard(i).frame_count(), 0u) << i;
  EXPECT_EQ(t.air.stats().deliveries, 0u);
  EXPECT_EQ(t.air.stats().lost, 90u);
}

TEST(TimedAir, AUnicastThatIsNeverHeardIsSentSixTimesWithTheRetryBitThenReportedFailed) {
  TimedAir t;
  SimRadio& a = t.add({0, 0});
  t.add({5, 0});
  t.air.set_link_loss(nth(1), nth(2), 1.0);
  ASSERT_FALSE(a.transmit(frame_to(nth(2), nth(1)), PhyRate::r1m));
  ASSERT_TRUE(wait_for([&] { return t.heard(0).report_count() == 1; }));
  EXPECT_EQ(t.heard(0).acks(), std::vector<bool>{false});
  EXPECT_EQ(t.air.stats().transmissions, 6u);
  EXPECT_EQ(t.air.stats().lost, 6u);
  EXPECT_EQ(t.heard(1).frame_count(), 0u);
}

TEST(TimedAir, TheErrorModelSeesEachAttemptAndALostAckMeansARetryTheReceiverDropsAsADuplicate) {
  ManualClock clock;
  RecordingListener ra, rb;
  std::vector<bool> retry_bits;
  std::mutex m;
  SimAir air({.timing = true, .clock = &clock, .error_model = [&](const HeardFrame& h) {
                std::lock_guard lk(m);
                retry_bits.push_back((h.frame[1] & 0x08) != 0);
                return retry_bits.size() == 1;  // the first attempt is lost
              }});
  SimRadio& a = **air.add_radio({.mac = nth(1)});
  SimRadio& b = **air.add_radio({.mac = nth(2), .position = {3, 0}});
  a.set_listener(&ra);
  b.set_listener(&rb);
  ASSERT_FALSE(a.transmit(frame_to(nth(2), nth(1)), PhyRate::r1m));
  ASSERT_TRUE(wait_for([&] { return ra.report_count() == 1; }));
  EXPECT_EQ(ra.acks(), std::vector<bool>{true});
  {
    std::lock_guard lk(m);
    EXPECT_EQ(retry_bits, (std::vector<bool>{false, true}));
  }
  ASSERT_EQ(rb.frame_count(), 1u);
  EXPECT_NE(rb.frames()[0].bytes[1] & 0x08, 0);  // the retry was the one heard
  a.set_listener(nullptr);
  b.set_listener(nullptr);
}

TEST(TimedAir, ARadioRetunedBeforeTheFramesGoOutHearsNoneOfThem) {
  TimedAir t;
  SimRadio& a = t.add({0, 0});
  SimRadio& b = t.add({5, 0});
  t.clock.hold();
  for (std::uint16_t k = 0; k < 3; ++k) ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), nth(1), k), PhyRate::r1m));
  ASSERT_FALSE(b.set_channel(6));
  t.clock.release();
  ASSERT_TRUE(wait_for([&] { return t.heard(0).report_count() == 3; }));
  EXPECT_EQ(t.heard(1).frame_count(), 0u);
  ASSERT_FALSE(b.set_channel(1));
  ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), nth(1), 3), PhyRate::r1m));
  ASSERT_TRUE(wait_for([&] { return t.heard(1).frame_count() == 1; }));
  EXPECT_EQ(t.heard(1).frames()[0].rx_ctrl.channel, 1);
}

TEST(TimedAir, ARemovedRadiosQueuedFramesNeverGoOutNorReport) {
  TimedAir t;
  t.add({0, 0});
  t.add({5, 0});
  SimRadio& gone = *t.radios[0];
  t.clock.hold();
  for (std::uint16_t k = 0; k < 5; ++k) ASSERT_FALSE(gone.transmit(frame_to(nth(2), nth(1), k), PhyRate::r1m));
  gone.set_listener(nullptr);
  t.radios.erase(t.radios.begin());
  t.air.remove_radio(gone);
  t.clock.release();
  // Something that did go out, after them, tells us they had their chance.
  SimRadio& b = *t.radios[0];
  ASSERT_FALSE(b.transmit(frame_to(MacAddress::broadcast(), nth(2)), PhyRate::r1m));
  ASSERT_TRUE(wait_for([&] { return t.heard(1).report_count() == 1; }));
  EXPECT_EQ(t.heard(1).frame_count(), 0u);
  EXPECT_EQ(t.heard(0).report_count(), 0u);
  EXPECT_EQ(t.air.stats().transmissions, 1u);
}

TEST(TimedAir, AFullQueueIsNoMemAndTheRestGoOutInOrder) {
  TimedAir t;
  SimRadio& a = t.add({0, 0});
  t.add({5, 0});
  t.clock.hold();
  int no_mem = 0;
  for (std::uint16_t k = 0; k < 20; ++k) no_mem += a.transmit(frame_to(nth(2), nth(1), k), PhyRate::r1m) == errc::no_mem;
  EXPECT_EQ(no_mem, 4);  // 16 frames fit
  t.clock.release();
  ASSERT_TRUE(wait_for([&] { return t.heard(1).frame_count() == 16; }));
  const auto frames = t.heard(1).frames();
  for (std::uint16_t k = 0; k < 16; ++k) EXPECT_EQ(sequence_of(frames[k].bytes), k);
}

// On the discrete-event air a sniffer's PHY and MAC take other stations'
// unicasts as any station does (they set its NAV); the MAC hands them up
// only while the radio is promiscuous, and never acknowledges them.
TEST(TimedAir, APromiscuousRadioOverhearsUnicastsWithoutAcknowledgingThem) {
  TimedAir t;
  SimRadio& a = t.add({0, 0});
  t.add({5, 0});
  SimRadio& sniffer = t.add({0, 5});
  sniffer.set_active(Interface::sta, false);  // WIFI_MODE_NULL
  ASSERT_FALSE(a.transmit(frame_to(nth(2), nth(1), 1), PhyRate::r1m));
  ASSERT_TRUE(wait_for([&] { return t.heard(0).report_count() == 1; }));
  EXPECT_EQ(t.heard(2).frame_count(), 0u);
  sniffer.set_promiscuous(true);
  ASSERT_FALSE(a.transmit(frame_to(nth(2), nth(1), 2), PhyRate::r1m));
  ASSERT_FALSE(a.transmit(frame_to(nth(9), nth(1), 3), PhyRate::r1m));  // nobody owns it
  ASSERT_TRUE(wait_for([&] { return t.heard(0).report_count() == 3; }));
  EXPECT_EQ(t.heard(0).acks(), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(t.heard(1).frame_count(), 2u);
  const auto heard = t.heard(2).frames();
  ASSERT_EQ(heard.size(), 1u + 6u);  // radio 2's frame, then all six attempts to nobody
  EXPECT_EQ(MacAddress::read(heard[0].bytes.data() + 4), nth(2));
  EXPECT_EQ(sequence_of(heard[0].bytes), 2u);
  for (std::size_t k = 1; k < heard.size(); ++k) {
    EXPECT_EQ(MacAddress::read(heard[k].bytes.data() + 4), nth(9));
    EXPECT_EQ(heard[k].bytes[1] & 0x08, k == 1 ? 0 : 0x08) << k;  // the retry bit from the second on
  }
  EXPECT_EQ(t.air.stats().transmissions, 1u + 1u + 6u);
  EXPECT_EQ(t.air.stats().acks, 2u);  // radio 2's, for its two frames
}
