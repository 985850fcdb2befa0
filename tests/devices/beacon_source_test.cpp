// add_beacon_source: a router's beacons on a Simulation's air, one every
// 102.4 ms at 1 Mbps on its channel, from a radio of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "espnow/devices/beacon_source.hpp"
#include "espnow/wire/frame.hpp"

using namespace espnow;
using namespace std::chrono_literals;

namespace {

constexpr MacAddress kRouter{{0x02, 0xA9, 0, 0, 0, 1}};

}  // namespace

TEST(BeaconSource, BeaconsEvery102msOnItsChannelFromItsBssid) {
  Simulation sim({.seed = 1});
  ASSERT_TRUE(add_beacon_source(sim, {.bssid = kRouter, .ssid = "home", .channel = 6, .position = {5, 0}}).ok());
  std::vector<std::chrono::nanoseconds> at;
  sim.air().set_sniffer([&](const AiredFrame& f) {
    EXPECT_EQ(f.channel, 6);
    EXPECT_EQ(f.rate, PhyRate::r1m);
    ASSERT_GE(f.frame.size(), 16u);
    EXPECT_EQ(f.frame[0], 0x80);  // a beacon
    EXPECT_EQ(MacAddress::read(f.frame.data() + 10), kRouter);
    at.push_back(f.at);
  });
  // A device whose program only waits, so that the run lasts its second.
  ASSERT_TRUE(sim.add_device({.mac = MacAddress{{0x02, 0, 0, 0, 0, 1}}, .channel = 6},
                             [&](SimDevice&) { sim.clock().sleep_until(sim.clock().now() + 1s); })
                  .ok());
  sim.run_for(2s);
  sim.air().set_sniffer({});
  ASSERT_GE(at.size(), 9u);
  ASSERT_LE(at.size(), 10u);
  for (std::size_t i = 1; i < at.size(); ++i) {  // 100 TU apart, give or take the medium's access delay
    const auto gap = at[i] - at[i - 1];
    EXPECT_GT(gap, 102ms) << i;
    EXPECT_LT(gap, 103ms) << i;
  }
}

TEST(BeaconSource, ABssidOrChannelNoRadioCouldHaveIsRefused) {
  Simulation sim({.seed = 1});
  EXPECT_EQ(add_beacon_source(sim, {.bssid = MacAddress::broadcast(), .ssid = "home"}).error(), errc::arg);
  EXPECT_EQ(add_beacon_source(sim, {.bssid = kRouter, .ssid = "home", .channel = 15}).error(), errc::arg);
  EXPECT_EQ(add_beacon_source(sim, {.bssid = kRouter, .ssid = "home", .channel = 0}).error(), errc::arg);
}
