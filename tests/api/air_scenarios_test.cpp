// The air under load: loss, many devices, threads, and airtime.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "espnow/devices/sim_devices.hpp"
#include "support/wait_for.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

MacAddress nth_mac(int i) {
  return MacAddress{{0x02, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}};
}

SimDevice& add(SimDevices& air, MacAddress mac) {
  auto r = air.add_device({.mac = mac});
  EXPECT_TRUE(r.ok());
  return **r;
}

std::array<std::uint8_t, 8> tagged(std::uint32_t sender, std::uint32_t seq) {
  std::array<std::uint8_t, 8> m{};
  std::memcpy(m.data(), &sender, 4);
  std::memcpy(m.data() + 4, &seq, 4);
  return m;
}

}  // namespace

TEST(Loss, With30PercentSeededLossEveryCounterStaysConsistent) {
  SimDevices air({.seed = 42, .loss = 0.3});
  SimDevice& a = add(air, nth_mac(1));
  SimDevice& b = add(air, nth_mac(2));
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().config({.rxbuf = 1 << 20}));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(b.mac()));
  constexpr int kSends = 2000;
  int acked = 0;
  for (int i = 0; i < kSends; ++i) acked += *a.espnow().send(b.mac(), tagged(1, i)) ? 1 : 0;

  const Stats sa = a.espnow().stats();
  const Stats sb = b.espnow().stats();
  EXPECT_EQ(sa.tx_pkts, static_cast<std::uint64_t>(kSends));
  EXPECT_EQ(sa.tx_responses, sa.tx_pkts);
  EXPECT_EQ(sa.tx_failures, static_cast<std::uint64_t>(kSends - acked));
  EXPECT_EQ(sb.rx_packets + sb.rx_dropped, b.link().stats().rx_frames);
  EXPECT_EQ(sb.rx_dropped, 0u);
  // With 6 tries per frame, 30% loss leaves ~0.6% (frame or ACK lost every time).
  EXPECT_GT(acked, kSends * 95 / 100);
  // Every acked message arrived exactly once (retries are deduplicated);
  // a few unacked ones arrived too (their ACKs were lost).
  std::set<std::uint32_t> seen;
  for (;;) {
    auto m = *b.espnow().recv(0);
    if (!m) break;
    std::uint32_t seq;
    std::memcpy(&seq, m->msg.data() + 4, 4);
    EXPECT_TRUE(seen.insert(seq).second) << "duplicate " << seq;
  }
  EXPECT_GE(seen.size(), static_cast<std::size_t>(acked));
  EXPECT_EQ(seen.size(), sb.rx_packets);
  EXPECT_GT(b.link().stats().rx_duplicates, 0u);
  EXPECT_GT(air.air().stats().lost, 0u);
}

TEST(ManyDevices, FiftyDevicesBroadcastingAtOnceAccountForEveryDelivery) {
  constexpr int kDevices = 50;
  SimDevices air;
  std::vector<SimDevice*> devs;
  for (int i = 0; i < kDevices; ++i) {
    devs.push_back(&add(air, nth_mac(i + 1)));
    ASSERT_OK(devs.back()->espnow().config({.rxbuf = kDevices * 64}));
    ASSERT_OK(devs.back()->espnow().active(true));
    ASSERT_OK(devs.back()->espnow().add_peer(MacAddress::broadcast()));
  }
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kDevices; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      EXPECT_TRUE(*devs[i]->espnow().send(MacAddress::broadcast(), tagged(i, 0)));
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
  for (int i = 0; i < kDevices; ++i) {
    const Stats s = devs[i]->espnow().stats();
    EXPECT_EQ(s.rx_packets, static_cast<std::uint64_t>(kDevices - 1)) << "device " << i;
    EXPECT_EQ(s.rx_dropped, 0u);
    std::set<std::uint32_t> from;
    std::uint8_t buf[250];
    MessageView meta;
    while (*devs[i]->espnow().recvinto(buf, &meta, 0) > 0) {
      std::uint32_t sender;
      std::memcpy(&sender, buf, 4);
      EXPECT_EQ(*meta.mac, nth_mac(static_cast<int>(sender) + 1));
      from.insert(sender);
    }
    EXPECT_EQ(from.size(), static_cast<std::size_t>(kDevices - 1));
    EXPECT_EQ(from.count(static_cast<std::uint32_t>(i)), 0u);
  }
  EXPECT_EQ(air.air().stats().deliveries, static_cast<std::uint64_t>(kDevices * (kDevices - 1)));
}

TEST(Threads, TwoSendersAndOneReceiverLoseAndDuplicateNothing) {
  constexpr std::uint32_t kPerSender = 50000;  // 100k messages in all
  SimDevices air;
  SimDevice& s1 = add(air, nth_mac(1));
  SimDevice& s2 = add(air, nth_mac(2));
  SimDevice& r = add(air, nth_mac(3));
  ASSERT_OK(r.espnow().config({.rxbuf = 2 * kPerSender * 21 + 64}));  // never overflows
  for (SimDevice* d : {&s1, &s2, &r}) ASSERT_OK(d->espnow().active(true));
  ASSERT_OK(s1.espnow().add_peer(r.mac()));
  ASSERT_OK(s2.espnow().add_peer(r.mac()));

  std::array<std::uint32_t, 2> next{0, 0};
  std::uint64_t received = 0;
  std::thread receiver([&] {
    while (received < 2 * kPerSender) {
      auto m = r.espnow().irecv(2000);
      ASSERT_TRUE(m.ok() && m->mac) << "timed out after " << received;
      std::uint32_t sender, seq;
      std::memcpy(&sender, m->msg.data(), 4);
      std::memcpy(&seq, m->msg.data() + 4, 4);
      ASSERT_LT(sender, 2u);
      ASSERT_EQ(seq, next[sender]) << "lost or duplicated";
      ++next[sender];
      ++received;
    }
  });
  auto send_all = [&](SimDevice& d, std::uint32_t id) {
    for (std::uint32_t i = 0; i < kPerSender; ++i) ASSERT_TRUE(*d.espnow().send(r.mac(), tagged(id, i), false));
  };
  std::thread t1(send_all, std::ref(s1), 0u), t2(send_all, std::ref(s2), 1u);
  t1.join();
  t2.join();
  receiver.join();
  EXPECT_EQ(received, 2ull * kPerSender);
  EXPECT_EQ(r.espnow().stats().rx_dropped, 0u);
  EXPECT_EQ(s1.espnow().stats().tx_failures + s2.espnow().stats().tx_failures, 0u);
}

TEST(Airtime, A1MbpsSaturatingUnicastStreamOf250ByteMessagesRunsAt310To345FramesPerSecond) {
  VirtualClock clock;
  SimDevices air({.seed = 7, .timing = true, .clock = &clock});
  SimDevice& a = add(air, nth_mac(1));
  SimDevice& b = add(air, nth_mac(2));
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(b.mac()));
  std::vector<std::uint8_t> msg(250, 0xAB);
  constexpr int kFrames = 3000;
  const auto t0 = clock.now();
  for (int i = 0; i < kFrames; ++i) ASSERT_TRUE(*a.espnow().send(b.mac(), msg, false));
  ASSERT_TRUE(test::wait_for([&] { return a.espnow().writable(); }));
  const double seconds = std::chrono::duration<double>(clock.now() - t0).count();
  const double fps = kFrames / seconds;
  RecordProperty("frames_per_second", std::to_string(fps));
  EXPECT_GE(fps, 310.0);
  EXPECT_LE(fps, 345.0);
  EXPECT_EQ(a.espnow().stats().tx_failures, 0u);
  EXPECT_EQ(b.espnow().stats().rx_packets + b.espnow().stats().rx_dropped, static_cast<std::uint64_t>(kFrames));
}

TEST(Airtime, DeliveryWaitsForTheFrameToBeOnTheAir) {
  VirtualClock clock;
  SimDevices air({.timing = true, .clock = &clock});
  SimDevice& a = add(air, nth_mac(1));
  SimDevice& b = add(air, nth_mac(2));
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(b.mac()));
  const auto t0 = clock.now();
  ASSERT_TRUE(*a.espnow().send(b.mac(), std::vector<std::uint8_t>(250, 1)));
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock.now() - t0).count();
  // DIFS + backoff (0..31 slots) + 2536 us of frame + SIFS + ACK.
  EXPECT_GE(us, 50 + 2536 + 10 + 304);
  EXPECT_LE(us, 50 + 31 * 20 + 2536 + 10 + 304);
}

TEST(Restart, ADeviceThatRestartsIsNotMistakenForARetryOfItsLastRun) {
  SimAir air;
  SimRadio& ra = **air.add_radio({.mac = nth_mac(1)});
  SimRadio& rb = **air.add_radio({.mac = nth_mac(2)});
  SoftLink receiver(rb);
  int got = 0;
  receiver.register_recv_cb([](void* n, const RecvInfo&, std::span<const std::uint8_t>) { ++*static_cast<int*>(n); },
                            &got);
  ASSERT_FALSE(receiver.init());
  for (int run = 0; run < 2; ++run) {  // same MAC, a fresh stack each time
    SoftLink sender(ra);
    ASSERT_FALSE(sender.init());
    ASSERT_OK(sender.add_peer({.mac = nth_mac(2)}));
    const MacAddress dst = nth_mac(2);
    ASSERT_FALSE(sender.send(&dst, bytes("hello")));
  }
  EXPECT_EQ(got, 2);
  EXPECT_EQ(receiver.stats().rx_duplicates, 0u);
}

// The Python binding's irq holds its ESPNow object, so the callback can hold
// the last reference to its own device: ending it there must neither hang
// (the dispatcher joining itself) nor touch the freed object (ASan).
TEST(Irq, ACallbackMayEndItsOwnDevice) {
  SimAir air;
  SimRadio& ra = **air.add_radio({.mac = nth_mac(1)});
  SimRadio& rb = **air.add_radio({.mac = nth_mac(2)});
  SimDevice a(ra, {});
  auto b = std::make_unique<SimDevice>(rb, SoftLinkOptions{});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b->espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(nth_mac(2)));
  std::promise<std::size_t> ended;
  b->espnow().irq([&](ESPNow& e) {
    const auto r = e.irecv(0);
    const std::size_t got = r.ok() ? r->msg.size() : 0;
    b.reset();  // the device, its ESPNow and its dispatcher's owner go here
    ended.set_value(got);
  });
  ASSERT_TRUE(a.espnow().send(nth_mac(2), bytes("last words")).value());
  auto result = ended.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the callback hung";
  EXPECT_EQ(result.get(), 10u);
  EXPECT_EQ(b, nullptr);
}
