// The in-process air's physics, seen from raw radios.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "espnow/wire/frame.hpp"
#include "espnow/radio/sim_air.hpp"
#include "support/recording_listener.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

using espnow::test::RecordingListener;

std::vector<std::uint8_t> frame_to(const MacAddress& dst, const MacAddress& src, std::uint16_t seq = 0) {
  std::vector<std::uint8_t> f(wire::kMaxFrameSize);
  const std::uint8_t msg[] = {1, 2, 3};
  f.resize(wire::encode({.dst = dst, .src = src, .sequence = seq, .random = seq * 7919u}, msg, f).size);
  return f;
}

SimRadio& radio(SimAir& air, RadioOptions o) { return **air.add_radio(o); }

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac;

}  // namespace

TEST(SimAir, RssiFollowsTheLogDistanceModel) {
  SimAir air;
  EXPECT_EQ(air.rssi_dbm({0, 0}, {0, 0}, 20), -20);     // 40 dB at (or within) 1 m
  EXPECT_EQ(air.rssi_dbm({0, 0}, {10, 0}, 20), -50);    // +30 dB per decade
  EXPECT_EQ(air.rssi_dbm({0, 0}, {100, 0}, 20), -80);
  EXPECT_EQ(air.rssi_dbm({0, 0}, {1e9, 0}, 20), -127);  // clamped
}

TEST(SimAir, FramesBelowTheRatesSensitivityAreNotHeardNorAcked) {
  SimAir air;
  SimRadio& a = radio(air, {.mac = kA});
  SimRadio& b = radio(air, {.mac = kB, .position = {300, 0}});  // -114 dBm... no: 20-(40+74.3)
  RecordingListener ra, rb;
  a.set_listener(&ra);
  b.set_listener(&rb);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA), PhyRate::r1m));  // -94 dBm >= -97: heard
  EXPECT_EQ(rb.frame_count(), 1u);
  EXPECT_EQ(rb.frames()[0].rx_ctrl.rssi_dbm, -94);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r54m));  // needs -74 dBm
  EXPECT_EQ(rb.frame_count(), 1u);
  EXPECT_EQ(ra.acks(), (std::vector<bool>{true, false}));
  EXPECT_GT(air.stats().too_weak, 0u);
  b.set_position({10, 0});  // positions change at run time
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 2), PhyRate::r54m));
  EXPECT_EQ(rb.frame_count(), 2u);
}

TEST(SimAir, LongRangeRatesReachOnlyLongRangeRadios) {
  SimAir air;
  SimRadio& a = radio(air, {.mac = kA, .long_range = true});
  SimRadio& b = radio(air, {.mac = kB});
  RecordingListener rb;
  b.set_listener(&rb);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA), PhyRate::lora_250k));
  EXPECT_TRUE((rb.frame_count() == 0));
  b.set_long_range(true);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::lora_250k));
  EXPECT_EQ(rb.frame_count(), 1u);
}

TEST(SimAir, RetriesSetTheRetryBitAndKeepSequenceAndRandom) {
  SimAir air({.seed = 3});
  SimRadio& a = radio(air, {.mac = kA});
  SimRadio& b = radio(air, {.mac = kB});
  air.set_link_loss(kA, kB, 0.5);
  RecordingListener ra, rb;
  a.set_listener(&ra);
  b.set_listener(&rb);
  for (std::uint16_t i = 0; i < 200; ++i) ASSERT_FALSE(a.transmit(frame_to(kB, kA, i), PhyRate::r1m));
  std::map<std::uint16_t, std::uint32_t> random_of;
  int retries = 0;
  for (const auto& f : rb.frames()) {
    const auto d = wire::decode(f.bytes, wire::Fcs::present);
    ASSERT_TRUE(d.ok()) << to_string(d.error);  // the FCS was refreshed
    retries += d.frame.header.retry();
    auto [it, fresh] = random_of.try_emplace(d.frame.header.sequence, d.frame.random);
    EXPECT_EQ(it->second, d.frame.random);
  }
  EXPECT_GT(retries, 0);
  EXPECT_EQ(ra.report_count(), 200u);
}

TEST(SimAir, LossIsReproducibleFromTheSeed) {
  auto run = [] {
    SimAir air({.seed = 99, .loss = 0.3});
    SimRadio& a = radio(air, {.mac = kA});
    radio(air, {.mac = kB});
    RecordingListener ra;
    a.set_listener(&ra);
    for (std::uint16_t i = 0; i < 100; ++i) (void)a.transmit(frame_to(kB, kA, i), PhyRate::r1m);
    return ra.acks();
  };
  EXPECT_EQ(run(), run());
}

TEST(SimAir, TheErrorModelIsAskedPerFrameAndReceiverAndALostUnicastIsRetried) {
  constexpr MacAddress kC = "02:00:00:00:00:0c"_mac;
  struct Asked {
    MacAddress from, to;
    bool retry;
    std::uint8_t channel;
    int rssi;
  };
  std::mutex m;
  std::vector<Asked> asked;
  // Loses every first try; keeps every retry.
  SimAir air({.error_model = [&](const HeardFrame& f) {
    const bool retry = (f.frame[1] & 0x08) != 0;
    std::lock_guard lk(m);
    asked.push_back({f.from, f.to, retry, f.channel, f.rssi_dbm});
    return !retry;
  }});
  SimRadio& a = radio(air, {.mac = kA, .channel = 6});
  SimRadio& b = radio(air, {.mac = kB, .channel = 6});
  SimRadio& c = radio(air, {.mac = kC, .channel = 6});
  RecordingListener ra, rb, rc;
  a.set_listener(&ra);
  b.set_listener(&rb);
  c.set_listener(&rc);

  ASSERT_FALSE(a.transmit(frame_to(kB, kA), PhyRate::r1m));
  ASSERT_EQ(asked.size(), 2u);  // the first try (lost) and its retry, both at b only
  EXPECT_EQ(asked[0].from, kA);
  EXPECT_EQ(asked[0].to, kB);
  EXPECT_FALSE(asked[0].retry);
  EXPECT_TRUE(asked[1].retry);
  EXPECT_EQ(asked[0].channel, 6);
  EXPECT_EQ(asked[0].rssi, air.rssi_dbm({0, 0}, {0, 0}, 20));
  ASSERT_EQ(rb.frame_count(), 1u);  // delivered once, the retry
  EXPECT_TRUE(rb.frames()[0].bytes[1] & 0x08);
  EXPECT_EQ(ra.acks(), std::vector<bool>{true});
  EXPECT_EQ(air.stats().lost, 1u);

  asked.clear();
  ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), kA, 1), PhyRate::r1m));
  ASSERT_EQ(asked.size(), 2u);  // once per receiver; a broadcast is sent once
  EXPECT_EQ((std::set<MacAddress>{asked[0].to, asked[1].to}), (std::set<MacAddress>{kB, kC}));
  EXPECT_EQ(rb.frame_count(), 1u);
  EXPECT_TRUE((rc.frame_count() == 0));
  EXPECT_EQ(air.stats().lost, 3u);
  a.set_listener(nullptr);
  b.set_listener(nullptr);
  c.set_listener(nullptr);
}

TEST(SimAir, AnInactiveInterfaceNeitherHearsNorAcks) {
  SimAir air;
  SimRadio& a = radio(air, {.mac = kA});
  SimRadio& b = radio(air, {.mac = kB});
  RecordingListener ra, rb;
  a.set_listener(&ra);
  b.set_listener(&rb);
  b.set_active(Interface::sta, false);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA), PhyRate::r1m));
  ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), kA, 1), PhyRate::r1m));
  EXPECT_TRUE((rb.frame_count() == 0));
  EXPECT_EQ(ra.acks(), (std::vector<bool>{false, true}));  // broadcast is never a failure
  b.set_active(Interface::ap, true);  // owns aa..0c now, listens to broadcast
  ASSERT_FALSE(a.transmit(frame_to(b.mac(Interface::ap), kA, 2), PhyRate::r1m));
  EXPECT_EQ(ra.acks().back(), true);
}

TEST(SimAir, RejectsBadRadioSettings) {
  SimAir air;
  EXPECT_EQ(air.add_radio({.mac = kA, .channel = 0}).error(), errc::arg);
  EXPECT_EQ(air.add_radio({.mac = kA, .channel = 15}).error(), errc::arg);
  SimRadio& a = radio(air, {.mac = kA});
  EXPECT_EQ(a.set_channel(15), errc::arg);
  EXPECT_EQ(a.channel(), 1);
  EXPECT_EQ(a.transmit(std::vector<std::uint8_t>(10), PhyRate::r1m), errc::arg);
}

TEST(SimAir, TheTransmitQueueIsBoundedWhenTimingIsOn) {
  VirtualClock clock;
  RecordingListener ra;  // outlives the air, whose transmitter thread reports to it
  SimAir air({.timing = true, .tx_queue_len = 4, .clock = &clock});
  SimRadio& a = radio(air, {.mac = kA});
  a.set_listener(&ra);
  int no_mem = 0;
  for (std::uint16_t i = 0; i < 1000; ++i) no_mem += a.transmit(frame_to(MacAddress::broadcast(), kA, i), PhyRate::r1m) == errc::no_mem;
  EXPECT_GT(no_mem, 0);
}

// A listener that holds the first frame's delivery until it is let go.
struct HeldDelivery final : RadioListener {
  std::promise<void> arrived, let_go;
  std::shared_future<void> released{let_go.get_future().share()};
  std::atomic<int> frames{0};
  void on_frame(std::span<const std::uint8_t>, const RxControl&) override {
    if (frames++ == 0) {
      arrived.set_value();
      released.wait();
    }
  }
  void on_tx_done(const MacAddress&, bool) override {}
};

TEST(SimAir, SetChannelReturnsOnlyOnceDeliveriesUnderWayHaveLanded) {
  SimAir air;
  SimRadio& a = radio(air, {.mac = kA});
  SimRadio& b = radio(air, {.mac = kB});
  HeldDelivery held;
  b.set_listener(&held);
  std::thread sender([&] { (void)a.transmit(frame_to(kB, kA), PhyRate::r1m); });
  held.arrived.get_future().wait();  // the frame is being delivered on channel 1
  auto retuned = std::async(std::launch::async, [&] { return b.set_channel(6); });
  EXPECT_EQ(retuned.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  held.let_go.set_value();
  EXPECT_FALSE(retuned.get());
  sender.join();
  EXPECT_EQ(b.channel(), 6);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r1m));  // channel 1: no longer heard
  EXPECT_EQ(held.frames.load(), 1);
  b.set_listener(nullptr);
}

// A sniffer (esp_wifi_set_promiscuous) hears another radio's unicast on the
// instant air; only the owner acknowledges it, so a unicast nobody owns still
// fails after every attempt, each of which the sniffer hears.
TEST(SimAir, APromiscuousRadioOverhearsUnicastsButOnlyTheOwnerAcknowledges) {
  SimAir air;
  RecordingListener la, lb, ls;
  SimRadio& a = radio(air, {.mac = kA});
  SimRadio& b = radio(air, {.mac = kB, .position = {5, 0}});
  SimRadio& sniffer = radio(air, {.mac = "02:00:00:00:00:5f"_mac, .position = {0, 5}, .sta_active = false});
  a.set_listener(&la);
  b.set_listener(&lb);
  sniffer.set_listener(&ls);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r1m));
  EXPECT_EQ(ls.frame_count(), 0u);  // not promiscuous: nothing for it
  sniffer.set_promiscuous(true);
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 2), PhyRate::r1m));
  ASSERT_FALSE(a.transmit(frame_to("02:00:00:00:00:99"_mac, kA, 3), PhyRate::r1m));
  EXPECT_EQ(la.acks(), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(lb.frame_count(), 2u);
  const auto heard = ls.frames();
  ASSERT_EQ(heard.size(), 1u + 6u);  // B's frame once, then every attempt to the absent MAC
  EXPECT_EQ(MacAddress::read(heard[0].bytes.data() + 4), kB);
  EXPECT_EQ(heard[0].rx_ctrl.rssi_dbm, air.rssi_dbm({0, 0}, {0, 5}, 20));
  EXPECT_EQ(heard[1].bytes[1] & 0x08, 0);  // the first attempt
  EXPECT_EQ(heard[6].bytes[1] & 0x08, 0x08);  // a retry
  for (SimRadio* r : {&a, &b, &sniffer}) r->set_listener(nullptr);
}
