// The discrete-event air: DCF timing, ACKs and retries, the queue, SINR,
// carrier sense and hidden stations, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "espnow/sim/air.hpp"
#include "espnow/wire/frame.hpp"

using namespace espnow;
using namespace espnow::sim;

namespace {

MacAddress mac(std::uint8_t n) { return MacAddress{{0x02, 0, 0, 0, 0, n}}; }
const std::uint32_t kFrame250 = static_cast<std::uint32_t>(wire::frame_size(250));  // 293 bytes on the air

struct Net {
  Engine engine;
  Air air;
  std::vector<std::vector<TxReport>> reports;
  std::vector<std::vector<std::pair<Time, AirFrame>>> received;
  std::vector<Time> tx_starts;  // of radio 0's data frames

  explicit Net(std::uint64_t seed = 1) : air(engine, AirConfig{PathLoss{}, seed}) {}

  std::uint32_t add(double x, double y = 0, std::uint8_t channel = 1, double tx_dbm = 20) {
    RadioConfig rc;
    rc.tx_power_dbm = tx_dbm;
    rc.mac = mac(static_cast<std::uint8_t>(air.size() + 1));
    rc.pos = {x, y};
    rc.channel = channel;
    const std::uint32_t i = air.add_radio(rc);
    reports.emplace_back();
    received.emplace_back();
    air.mac(i).on_report([this, i](const TxReport& r) { reports[i].push_back(r); });
    air.mac(i).on_receive([this, i](const AirFrame& f, double) { received[i].push_back({engine.now(), f}); });
    return i;
  }
  bool send(std::uint32_t from, const MacAddress& to, std::uint64_t tag = 0, std::uint32_t bytes = kFrame250) {
    return air.mac(from).enqueue(MacRequest{to, bytes, PhyRate::r1m, tag});
  }
};

constexpr Time kData250 = microseconds(192 + 293 * 8);  // 2536 µs
constexpr Time kAck = microseconds(192 + 14 * 8);       // 304 µs

}  // namespace

TEST(SimAir, AFrameOnAnIdleMediumGoesAfterDifsAndArrivesAfterItsAirtime) {
  Net n;
  n.add(0);
  n.add(3);  // 3 m: 10 ns of propagation
  n.engine.run_until(milliseconds(1));
  ASSERT_TRUE(n.send(0, MacAddress::broadcast(), 7));
  n.engine.run();
  ASSERT_EQ(n.received[1].size(), 1u);
  EXPECT_EQ(n.received[1][0].first, milliseconds(1) + microseconds(50) + kData250 + 10);
  EXPECT_EQ(n.received[1][0].second.tag, 7u);
  ASSERT_EQ(n.reports[0].size(), 1u);
  EXPECT_EQ(n.reports[0][0].status, TxStatus::sent);
  EXPECT_EQ(n.reports[0][0].attempts, 1u);
  EXPECT_EQ(n.air.mac(0).counters().transmissions, 1u);
}

TEST(SimAir, AUnicastIsAcknowledgedAfterSifsAtTheBasicRate) {
  Net n;
  n.add(0);
  n.add(3);
  n.engine.run_until(milliseconds(1));
  ASSERT_TRUE(n.send(0, mac(2), 1));
  n.engine.run();
  ASSERT_EQ(n.reports[0].size(), 1u);
  EXPECT_EQ(n.reports[0][0].status, TxStatus::acked);
  EXPECT_EQ(n.reports[0][0].attempts, 1u);
  EXPECT_EQ(n.air.mac(1).counters().acks_sent, 1u);
  // The data, SIFS, the ACK, and two propagation delays.
  EXPECT_EQ(n.engine.now() >= milliseconds(1) + microseconds(50) + kData250 + microseconds(10) + kAck + 20, true);
  EXPECT_EQ(n.received[1].size(), 1u);
}

TEST(SimAir, AnUnansweredUnicastIsTriedSixTimesWithDoublingWindowsThenFails) {
  Net n;
  n.add(0);
  n.add(3);
  ASSERT_TRUE(n.send(0, mac(9), 5));  // nobody owns 02:00:00:00:00:09
  std::vector<std::uint32_t> windows;
  // Sample the window between attempts.
  for (int i = 0; i < 200000 && n.reports[0].empty(); ++i) {
    if (!n.engine.step()) break;
    const std::uint32_t cw = n.air.mac(0).contention_window();
    if (windows.empty() || windows.back() != cw) windows.push_back(cw);
  }
  ASSERT_EQ(n.reports[0].size(), 1u);
  EXPECT_EQ(n.reports[0][0].status, TxStatus::failed);
  EXPECT_EQ(n.reports[0][0].attempts, 6u);
  EXPECT_EQ(n.air.mac(0).counters().transmissions, 6u);
  EXPECT_EQ(windows, (std::vector<std::uint32_t>{31, 63, 127, 255, 511, 1023, 31}));
  EXPECT_EQ(n.received[1].size(), 0u);  // a unicast to someone else is not delivered
}

TEST(SimAir, ALostAckMeansARetryWithTheRetryBitAndTheRepeatIsNotDeliveredTwice) {
  // a and r (0 dBm, 10 m apart) exchange a unicast; h, 10 m from a on
  // channel 3 at 20 dBm, feels neither (-76 and -80 dBm after the
  // adjacent-channel factor) and starts a frame just after a's data ends:
  // at a it is 14 dB above r's ACK, which is lost. a retries after h's frame.
  Net n;
  const auto a = n.add(0, 0, 1, 0), r = n.add(10, 0, 1, 0), h = n.add(0, 10, 3, 20);
  std::vector<bool> retry_bits;
  n.air.mac(r).on_receive([&](const AirFrame& f, double) { retry_bits.push_back(f.retry); });
  ASSERT_TRUE(n.send(a, mac(2), 1));
  n.engine.at(microseconds(50) + kData250, [&, h] { n.send(h, MacAddress::broadcast(), 9, 500); });
  n.engine.run();
  ASSERT_EQ(n.reports[a].size(), 1u);
  EXPECT_EQ(n.reports[a][0].status, TxStatus::acked);
  EXPECT_EQ(n.reports[a][0].attempts, 2u);
  EXPECT_EQ(n.air.mac(a).counters().transmissions, 2u);
  EXPECT_EQ(n.air.mac(r).counters().acks_sent, 2u);
  EXPECT_EQ(retry_bits, (std::vector<bool>{false}));  // the repeat (retry bit set) was not delivered
  EXPECT_EQ(n.air.mac(r).counters().receptions, 1u);
}

TEST(SimAir, TheQueueHoldsSixteenFramesThenRefusesAndReportsInOrder) {
  Net n;
  n.add(0);
  n.add(3);
  for (std::uint64_t t = 0; t < 16; ++t) ASSERT_TRUE(n.send(0, MacAddress::broadcast(), t));
  EXPECT_FALSE(n.send(0, MacAddress::broadcast(), 99));  // NO_MEM
  EXPECT_EQ(n.air.mac(0).counters().queue_drops, 1u);
  n.engine.run();
  ASSERT_EQ(n.reports[0].size(), 16u);
  for (std::uint64_t t = 0; t < 16; ++t) EXPECT_EQ(n.reports[0][t].tag, t);
  EXPECT_EQ(n.received[1].size(), 16u);
}

TEST(SimAir, ABackoffDrawnOnABusyMediumWaitsForItsEndPlusDifsAndWholeSlots) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Net n(seed);
    n.add(0);
    n.add(3);
    ASSERT_TRUE(n.send(0, MacAddress::broadcast(), 1));
    n.engine.run_until(microseconds(50) + microseconds(100));  // radio 0 is on the air
    Time start1 = -1;
    n.air.mac(1).on_report([&](const TxReport&) {});
    ASSERT_TRUE(n.send(1, MacAddress::broadcast(), 2));
    // Radio 1's frame reaches radio 0 at its start + 10 ns.
    n.air.mac(0).on_receive([&](const AirFrame&, double) { start1 = n.engine.now() - kData250 - 10; });
    n.engine.run();
    const Time busy_end = microseconds(50) + kData250 + 10;  // radio 0's frame, as radio 1 sees it
    ASSERT_GE(start1, busy_end + microseconds(50)) << seed;
    const Time after_difs = start1 - busy_end - microseconds(50);
    EXPECT_EQ(after_difs % microseconds(20), 0) << seed;
    EXPECT_LE(after_difs / microseconds(20), 31) << seed;
  }
}

// Two senders, b starting 1 ms after a; how many frames r receives from each.
struct TwoSenders {
  int from_a = 0, from_b = 0;
  MacCounters r;
};
TwoSenders two_senders(double b_x, double r_x, int rounds = 100) {
  Net n;
  const auto a = n.add(0), b = n.add(b_x), r = n.add(r_x);
  for (int k = 0; k < rounds; ++k) {
    n.engine.at(milliseconds(8 * k), [&, a] { n.send(a, MacAddress::broadcast(), 1); });
    n.engine.at(milliseconds(8 * k + 1), [&, b] { n.send(b, MacAddress::broadcast(), 2); });
  }
  n.engine.run();
  TwoSenders out;
  for (const auto& [t, f] : n.received[r]) (f.tag == 1 ? out.from_a : out.from_b)++;
  out.r = n.air.mac(r).counters();
  return out;
}

TEST(SimAir, AStationThatHearsTheMediumBusyDefers) {
  // a and b 10 m apart: b's frame waits for a's to end.
  const TwoSenders t = two_senders(10, 5);
  EXPECT_EQ(t.from_a, 100);
  EXPECT_EQ(t.from_b, 100);
  EXPECT_EQ(t.r.lost_collision, 0u);
}

TEST(SimAir, HiddenStationsCollideAtTheStationBetweenThem) {
  // a and b 600 m apart hear each other at -103 dBm, below detection (-97)
  // and energy detect (-62): b sends into a's frame. r, 300 m from each,
  // hears both at -94 dBm: it is locked on a's frame when b's arrives, so
  // b's frames are lost there, and a's survive only its SINR (about -3 dB,
  // which 1 Mbps DBPSK's 13 dB of processing gain mostly rides out).
  const TwoSenders t = two_senders(600, 300);
  EXPECT_EQ(t.from_b, 0);
  EXPECT_GE(t.r.lost_collision, 100u);
  EXPECT_GT(t.from_a, 50);
}

TEST(SimAir, ACloseSenderIsCapturedAndAFarOneLost) {
  // Two hidden senders, the receiver next to one of them.
  Net n;
  const auto a = n.add(0), b = n.add(200), r = n.add(5);
  for (int k = 0; k < 50; ++k) {
    n.engine.at(milliseconds(6 * k), [&, a, b] {
      n.send(a, MacAddress::broadcast(), 1);
      n.send(b, MacAddress::broadcast(), 2);
    });
  }
  n.engine.run();
  int from_a = 0, from_b = 0;
  for (const auto& [t, f] : n.received[r]) (f.tag == 1 ? from_a : from_b)++;
  EXPECT_EQ(from_a, 50);
  EXPECT_EQ(from_b, 0);
}

TEST(SimAir, AStrongNeighbourOnAnAdjacentChannelDisturbsButAFarChannelDoesNot) {
  auto run = [](std::uint8_t interferer_channel) {
    Net n;
    const auto a = n.add(0), r = n.add(60), i = n.add(62, 0, interferer_channel);  // a at r: -73 dBm
    for (int k = 0; k < 50; ++k)
      n.engine.at(milliseconds(6 * k), [&, a, i] {
        n.send(a, MacAddress::broadcast(), 1);
        n.send(i, MacAddress::broadcast(), 2);
      });
    n.engine.run();
    return n.air.mac(r).counters().receptions;
  };
  EXPECT_LT(run(2), 10u);   // 2 m away on channel 2: 0.73 of -29 dBm swamps a -73 dBm frame
  EXPECT_EQ(run(9), 50u);   // 8 channels away: nothing
}

TEST(SimAir, AFrameNearTheNoiseFloorIsLostToNoise) {
  Net n;
  const auto a = n.add(0), r = n.add(1000);  // -110 dBm: not detected
  const auto r2 = n.add(400);                 // -98.1 dBm: just below -97
  const auto q = n.add(365);                  // -96.9 dBm: detected, SNR -3.3 dB
  for (int k = 0; k < 500; ++k) n.engine.at(milliseconds(3 * k), [&, a] { n.send(a, MacAddress::broadcast()); });
  n.engine.run();
  EXPECT_EQ(n.air.mac(r).counters().receptions, 0u);
  EXPECT_EQ(n.air.mac(r2).counters().receptions, 0u);
  const auto& c = n.air.mac(q).counters();
  EXPECT_EQ(c.receptions + c.lost_weak, 500u);
  EXPECT_GT(c.lost_weak, 0u);   // (1 - 0.5 e^-10.3)^2344: about 4% lost
  EXPECT_LT(c.lost_weak, 60u);
  EXPECT_EQ(c.lost_collision, 0u);
}

TEST(SimAir, TheSameSeedGivesTheSameRunAndAnotherSeedAnother) {
  auto run = [](std::uint64_t seed) {
    Net n(seed);
    for (int i = 0; i < 8; ++i) n.add(i * 2.0, (i % 3) * 1.5);
    for (int k = 0; k < 100; ++k)
      n.engine.at(microseconds(1000 * k), [&n, k] { n.send(static_cast<std::uint32_t>(k % 8), MacAddress::broadcast()); });
    n.engine.run();
    std::vector<std::uint64_t> v{n.engine.events_run(), static_cast<std::uint64_t>(n.engine.now())};
    for (std::uint32_t i = 0; i < 8; ++i) {
      v.push_back(n.air.mac(i).counters().receptions);
      v.push_back(n.air.mac(i).counters().lost_collision);
    }
    return v;
  };
  EXPECT_EQ(run(3), run(3));
  EXPECT_NE(run(3), run(4));
}

// add_radios lays the radios out in memory in spatial order, and nothing
// else: indices in the span's order, and the very same run as one by one.
TEST(SimAir, RadiosAddedAtOnceRunAsRadiosAddedOneByOne) {
  std::vector<RadioConfig> configs;
  for (int i = 0; i < 40; ++i) {
    RadioConfig rc;
    rc.mac = mac(static_cast<std::uint8_t>(i + 1));
    rc.pos = {double((i * 37) % 40) * 9.0, double((i * 11) % 7) * 13.0};  // scattered: index order is not spatial
    rc.channel = static_cast<std::uint8_t>(1 + i % 3);
    rc.tx_power_dbm = i % 5 == 0 ? 8.0 : 20.0;
    configs.push_back(rc);
  }
  auto run = [&configs](bool at_once) {
    Engine engine;
    Air air(engine, AirConfig{PathLoss{}, 7});
    if (at_once) {
      EXPECT_EQ(air.add_radios(configs), 0u);
    } else {
      for (const RadioConfig& rc : configs) air.add_radio(rc);
    }
    std::vector<std::uint64_t> v;
    for (std::uint32_t i = 0; i < configs.size(); ++i) {
      EXPECT_EQ(air.mac(i).address(), configs[i].mac);
      air.mac(i).on_receive([&v, &engine, i](const AirFrame& f, double dbm) {
        v.insert(v.end(), {i, static_cast<std::uint64_t>(engine.now()), f.tag, static_cast<std::uint64_t>(std::llround(dbm * 1e6))});
      });
    }
    for (int k = 0; k < 400; ++k)
      engine.at(microseconds(700 * k), [&air, k] {
        const auto from = static_cast<std::uint32_t>((k * 13) % 40);
        const MacAddress to = k % 4 == 0 ? mac(static_cast<std::uint8_t>(1 + (k * 7) % 40)) : MacAddress::broadcast();
        (void)air.mac(from).enqueue(MacRequest{to, kFrame250, PhyRate::r1m, static_cast<std::uint64_t>(k + 1)});
      });
    engine.run();
    v.push_back(engine.events_run());
    for (std::uint32_t i = 0; i < configs.size(); ++i) {
      const MacCounters& c = air.mac(i).counters();
      v.insert(v.end(), {c.transmissions, c.receptions, c.lost_collision, c.lost_weak});
    }
    return v;
  };
  const std::vector<std::uint64_t> one_by_one = run(false);
  EXPECT_GT(one_by_one.size(), 1000u);  // frames were received
  EXPECT_EQ(run(true), one_by_one);
}

// Radios decide most receptions from bounds on a frame's chance (the faint
// signals only lower it) and work it out exactly only for a draw between
// them. On a field where most receptions overlap faint signals, at every
// modulation, that must receive exactly what the exact model receives.
TEST(SimAir, BoundedReceptionDecidesAsTheExactModelDoes) {
  static constexpr PhyRate kRates[] = {PhyRate::r1m, PhyRate::r2m, PhyRate::r5m, PhyRate::r11m, PhyRate::r6m,
                                PhyRate::r24m, PhyRate::r54m, PhyRate::lora_250k};
  static constexpr std::uint32_t kRadios = 120;
  auto run = [&](bool exact) {
    Engine engine;
    AirConfig config{PathLoss{}, 11};
    config.exact_reception = exact;
    Air air(engine, config);
    std::vector<RadioConfig> configs;
    for (std::uint32_t i = 0; i < kRadios; ++i) {
      RadioConfig rc;
      rc.mac = mac(static_cast<std::uint8_t>(i + 1));
      // 1.2 km square: each radio hears a few dozen, and feels the rest faintly.
      rc.pos = {double((i * 97) % 120) * 10.0, double((i * 31) % 113) * 10.6};
      rc.long_range = i % 8 == 7;
      configs.push_back(rc);
    }
    air.add_radios(configs);
    std::vector<std::uint64_t> v;
    for (std::uint32_t i = 0; i < kRadios; ++i)
      air.mac(i).on_receive([&v, &engine, i](const AirFrame& f, double) {
        v.insert(v.end(), {i, static_cast<std::uint64_t>(engine.now()), f.tag});
      });
    for (int k = 0; k < 6000; ++k)  // a frame every 150 µs: several on the air at once
      engine.at(microseconds(150 * k), [&air, k] {
        const auto from = static_cast<std::uint32_t>((k * 53) % kRadios);
        const PhyRate rate = kRates[k % 8 == 7 && from % 8 != 7 ? 0 : k % 8];
        (void)air.mac(from).enqueue(
            MacRequest{MacAddress::broadcast(), kFrame250 / (1 + k % 3), rate, static_cast<std::uint64_t>(k + 1)});
      });
    engine.run();
    for (std::uint32_t i = 0; i < kRadios; ++i) {
      const MacCounters& c = air.mac(i).counters();
      v.insert(v.end(), {c.transmissions, c.receptions, c.lost_collision, c.lost_weak});
    }
    return v;
  };
  const std::vector<std::uint64_t> exact = run(true);
  std::uint64_t lost = 0, received = 0;
  for (std::size_t i = exact.size() - 4 * kRadios; i < exact.size(); i += 4) {
    received += exact[i + 1];
    lost += exact[i + 2] + exact[i + 3];
  }
  EXPECT_GT(received, 30000u) << lost;
  EXPECT_GT(lost, 5000u) << received;  // many frames were near the edge
  EXPECT_EQ(run(false), exact);
}

TEST(SimAir, ChannelBusyTimeCountsTimeOnTheAir) {
  Net n;
  n.add(0);
  n.add(3);
  n.send(0, MacAddress::broadcast());
  n.engine.run();
  EXPECT_EQ(n.air.busy_time(1), kData250);
  EXPECT_EQ(n.air.busy_time(6), 0);
}

TEST(SimAir, TwoSaturatedSendersBothGetThroughAfterStartingInTheSameSlot) {
  // Both start at the same instant, equidistant from the sink: their first
  // attempts collide, the sink ACKs the one it locked on, and the other must
  // retry (it once stalled here, its ACK wait never ending).
  Net n;
  const auto sink = n.add(5, 5);
  const auto a = n.add(9, 5);
  const auto b = n.add(1, 5);
  for (auto from : {a, b})
    for (int i = 0; i < 16; ++i) ASSERT_TRUE(n.send(from, mac(1), static_cast<std::uint64_t>(i)));
  for (auto from : {a, b})
    n.air.mac(from).on_report([&n, from](const TxReport& r) {
      n.reports[from].push_back(r);
      n.send(from, mac(1), r.tag + 16);
    });
  n.engine.run_until(seconds(1));
  EXPECT_GT(n.reports[a].size(), 100u);
  EXPECT_GT(n.reports[b].size(), 100u);
  EXPECT_GT(n.received[sink].size(), 250u);
}

TEST(SimAir, OnlyRadiosThatCanDetectAFrameGetEventsForIt) {
  // Events for one broadcast with and without radios beyond detection.
  auto events_for_one_frame = [](bool far_radios) {
    Net n;
    n.add(0);
    const double reach = n.air.reach_m();
    EXPECT_NEAR(reach, 369.0, 1.0);  // 20 dBm falls to -97 dBm at 369 m with exponent 3
    n.add(reach * 0.98);             // -96.7 dBm: detected
    if (far_radios) {
      n.add(reach * 1.02, 0);        // -97.3 dBm: felt faintly, no events
      n.add(-reach * 3, reach * 3);  // in another cell
    }
    const std::uint64_t before = n.engine.events_run();
    EXPECT_TRUE(n.send(0, MacAddress::broadcast(), 0, 40));
    n.engine.run();
    EXPECT_EQ(n.received[1].size(), 1u);
    if (far_radios) {
      EXPECT_TRUE(n.received[2].empty());
      // Moving a radio moves it between cells: now 3 m away, it receives.
      n.air.set_position(3, {3, 0});
      EXPECT_TRUE(n.send(0, MacAddress::broadcast(), 1, 40));
      n.engine.run();
      EXPECT_EQ(n.received[3].size(), 1u);
    }
    return n.engine.events_run() - before;
  };
  const std::uint64_t near_only = events_for_one_frame(false);
  const std::uint64_t with_far = events_for_one_frame(true);
  EXPECT_GT(with_far, near_only);  // the second frame, to the radio that moved
  Net n;
  n.add(0);
  n.add(n.air.reach_m() * 0.98);
  n.add(n.air.reach_m() * 1.02, 0);
  n.add(-n.air.reach_m() * 3, n.air.reach_m() * 3);
  const std::uint64_t before = n.engine.events_run();
  ASSERT_TRUE(n.send(0, MacAddress::broadcast(), 0, 40));
  n.engine.run();
  EXPECT_EQ(n.engine.events_run() - before, near_only);  // the far radios cost no event
}

TEST(SimAir, ARetiredRadioGetsNoEventsAndIsNoCandidateAnyMore) {
  // A chip that reboots leaves its old radio behind each time: the frames of
  // the others must cost what they did before it came, not grow with boots.
  for (const double exponent : {3.0, 0.0}) {  // with the spatial index, and without (no fall with distance)
    auto run = [exponent](int retired) {
      Engine engine;
      Air air(engine, AirConfig{PathLoss{.exponent = exponent, .reference_db = 40.0}, 7});
      std::vector<int> heard;
      auto add = [&](double x) {
        RadioConfig rc;
        rc.mac = mac(static_cast<std::uint8_t>(air.size() + 1));
        rc.pos = {x, 0};
        const std::uint32_t i = air.add_radio(rc);
        heard.push_back(0);
        air.mac(i).on_receive([&heard, i](const AirFrame&, double) { ++heard[i]; });
        return i;
      };
      add(0);
      for (int k = 0; k < retired; ++k) air.retire(add(5));  // each boot's radio, gone
      const std::uint32_t listener = add(5);
      const std::uint64_t before = engine.events_run();
      EXPECT_TRUE(air.mac(0).enqueue(MacRequest{MacAddress::broadcast(), 40, PhyRate::r1m, 0}));
      engine.run();
      EXPECT_EQ(heard[listener], 1);
      for (int k = 1; k <= retired; ++k) EXPECT_EQ(heard[static_cast<std::size_t>(k)], 0);
      return engine.events_run() - before;
    };
    EXPECT_EQ(run(50), run(0)) << "path loss exponent " << exponent;
  }
}

TEST(SimAir, FaintSignalsStillCountInTheSinrOfAFrameTheyOverlap) {
  // A receiver locked on a frame at -96 dBm (SNR -2.4 dB: received 96% of
  // the time) while five hidden senders, each felt at -97.5 dBm (below
  // detection, so no events), send at the same instant: their sum takes the
  // SINR to -7.3 dB and the frame is lost, as a collision.
  for (const bool interferers : {false, true}) {
    Net n;
    const auto rx = n.add(0);
    const auto wanted = n.add(-342);
    std::vector<std::uint32_t> hidden;
    if (interferers)
      for (const double deg : {-40.0, -20.0, 0.0, 20.0, 40.0}) {
        const double rad = deg * 3.14159265358979 / 180;
        hidden.push_back(n.add(383 * std::cos(rad), 383 * std::sin(rad)));
      }
    ASSERT_NEAR(n.air.rx_dbm(wanted, rx), -96.0, 0.05);
    for (const auto h : hidden) {
      ASSERT_LT(n.air.rx_dbm(h, rx), -97.0);
      ASSERT_LT(n.air.rx_dbm(h, wanted), -97.0);
    }
    n.engine.run_until(milliseconds(1));
    ASSERT_TRUE(n.send(wanted, MacAddress::broadcast(), 1));
    for (const auto h : hidden) ASSERT_TRUE(n.send(h, MacAddress::broadcast(), 2));
    n.engine.run();
    EXPECT_EQ(n.received[rx].size(), interferers ? 0u : 1u) << "interferers " << interferers;
    EXPECT_EQ(n.air.mac(rx).counters().lost_collision, interferers ? 1u : 0u);
  }
}

TEST(SimAir, TenThousandRadiosInOneAir) {
  // 10,000 radios 300 m apart on a 30 km square, each sending one 50-byte
  // broadcast in turn: each frame is detected by the 4 nearest radios
  // (-94.3 dBm; the diagonal ones, at 424 m, are below the -97 dBm
  // sensitivity), the only ones with events for it, and received by them.
  Engine engine;
  Air air(engine, AirConfig{PathLoss{}, 3});
  for (std::uint32_t i = 0; i < 10000; ++i)
    air.add_radio(RadioConfig{MacAddress{{0x02, 0, 0, 0, std::uint8_t(i >> 8), std::uint8_t(i)}},
                              {300.0 * (i % 100), 300.0 * (i / 100)}});
  std::uint64_t received = 0;
  for (std::uint32_t i = 0; i < air.size(); ++i) air.mac(i).on_receive([&](const AirFrame&, double) { ++received; });
  for (std::uint32_t i = 0; i < air.size(); ++i)
    engine.at(milliseconds(i), [&air, i] { air.mac(i).enqueue({MacAddress::broadcast(), 74, PhyRate::r1m, i}); });
  engine.run();
  EXPECT_EQ(air.transmissions(), 10000u);
  const std::uint64_t neighbours = 4 * 10000 - 4 * 100;  // the edges have fewer
  EXPECT_LE(received, neighbours);
  EXPECT_GE(received, neighbours - 10);  // SINR -0.7 dB: a loss in 10^5 frames
}

TEST(SimAir, EveryFrameOnTheAirIsToldToTheObserverInTimeOrder) {
  Net n;
  n.add(0);
  n.add(10);
  std::vector<Transmission> seen;
  n.air.on_transmit([&](const Transmission& tx) { seen.push_back(tx); });
  ASSERT_TRUE(n.send(0, mac(2), 5));
  n.engine.run();
  ASSERT_EQ(seen.size(), 2u);  // the data frame and its ACK
  EXPECT_EQ(seen[0].frame.kind, FrameKind::data);
  EXPECT_EQ(seen[0].from, 0u);
  EXPECT_EQ(seen[0].frame.tag, 5u);
  EXPECT_EQ(seen[0].duration, kData250);
  EXPECT_EQ(seen[1].frame.kind, FrameKind::ack);
  EXPECT_EQ(seen[1].from, 1u);
  EXPECT_GT(seen[1].start, seen[0].start + seen[0].duration);
  EXPECT_EQ(n.air.transmissions(), 2u);
  // 20 dBm - (40 dB + 10 * 3 * log10(10 m)): the default log-distance model.
  EXPECT_NEAR(n.air.rx_dbm(0, 1), 20.0 - 40.0 - 30.0, 1e-9);
}

// An ERP-OFDM frame's TXTIME ends with 6 µs of signal extension: the ACK
// comes a SIFS after it (16 µs after the last symbol), and the Duration field
// the sender put in the frame covers exactly that wait and the ACK.
TEST(SimAir, AnOfdmUnicastIsAcknowledgedASifsAfterItsSignalExtension) {
  Net n;
  n.add(0);
  n.add(3);  // 10 ns of propagation
  std::vector<Transmission> seen;
  n.air.on_transmit([&](const Transmission& tx) { seen.push_back(tx); });
  ASSERT_TRUE(n.air.mac(0).enqueue(MacRequest{mac(2), kFrame250, PhyRate::r54m, 3}));
  n.engine.run();
  ASSERT_EQ(seen.size(), 2u);
  // 293 bytes at 54 Mbps: 20 µs + 11 symbols of 4 µs, then the extension.
  EXPECT_EQ(seen[0].duration, microseconds(20 + 44 + 6));
  EXPECT_EQ(seen[1].duration, microseconds(20 + 24 + 6));  // the 14-byte ACK at 6 Mbps
  EXPECT_EQ(seen[1].start, seen[0].start + seen[0].duration + 10 + microseconds(10));
  EXPECT_EQ(seen[0].frame.nav, microseconds(60));
  ASSERT_EQ(n.reports[0].size(), 1u);
  EXPECT_EQ(n.reports[0][0].status, TxStatus::acked);
}

// Nothing is sent during a signal extension, so a hidden station's frame that
// starts inside it costs the frame before it nothing: a and b, 260 m apart,
// hear each other at -92.4 dBm, below OFDM's -92 dBm detection; r, 180 m
// from a and 80 m from b, hears a at -87.7 dBm (6 Mbps decodes it alone) and
// b 10.6 dB louder. b's frame starts 5 µs before a's TXTIME ends, inside a's
// 6 µs extension: 30 bits of a's data there would be lost.
TEST(SimAir, AHiddenFrameStartingInASignalExtensionDoesNotCorruptTheFrameBeforeIt) {
  Net n;
  const auto a = n.add(0), b = n.add(260), r = n.add(180);
  const Time a_txtime = microseconds(airtime_us(PhyRate::r6m, kFrame250));
  for (std::uint64_t k = 0; k < 100; ++k) {
    const Time t = milliseconds(10 * k);
    n.engine.at(t, [&, a, k] { n.air.mac(a).enqueue(MacRequest{MacAddress::broadcast(), kFrame250, PhyRate::r6m, k}); });
    n.engine.at(t + a_txtime - microseconds(5),
                [&, b] { n.air.mac(b).enqueue(MacRequest{MacAddress::broadcast(), kFrame250, PhyRate::r6m, 1000}); });
  }
  n.engine.run();
  std::size_t from_a = 0;
  for (const auto& [at, f] : n.received[r]) from_a += f.tag < 1000;
  EXPECT_GE(from_a, 95u);  // alone, at an SNR of 6 dB, 6 Mbps loses hardly any
  EXPECT_EQ(n.air.mac(b).counters().transmissions, 100u);
}

TEST(SimAir, An54MbpsFrameNeedsAbout18dBOfSnrOverTheOfdmNoiseFloor) {
  // OFDM's noise floor: -174 dBm/Hz over 20 MHz plus 7 dB = -94 dBm. At 68.1 m
  // a 20 dBm frame arrives at -75 dBm (SNR 19 dB); at 92.8 m at -79 dBm
  // (15 dB). The 64-QAM 3/4 code gets a 293-byte frame through 96% of the
  // time at 19 dB and half the time at 17.6 dB, so the near radio hears
  // nearly all and the far one nearly none. (A bare threshold at the rate's
  // -74 dBm sensitivity would lose every frame at the near radio too.)
  Net n;
  n.add(0);
  const std::uint32_t near = n.add(68.1), far = n.add(0, 92.8);
  for (std::uint64_t k = 0; k < 200; ++k) {
    ASSERT_TRUE(n.air.mac(0).enqueue(MacRequest{MacAddress::broadcast(), kFrame250, PhyRate::r54m, k}));
    n.engine.run();
  }
  EXPECT_GE(n.received[near].size(), 180u);
  EXPECT_LE(n.received[far].size(), 5u);
}
