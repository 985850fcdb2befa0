// The air's physics helpers that every simulated air shares.
#include "espnow/wire/air_physics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace espnow;

namespace {

// What rssi_of stands in for.
std::int8_t reference_rssi(double dbm) { return static_cast<std::int8_t>(std::lround(std::clamp(dbm, -127.0, 0.0))); }

}  // namespace

TEST(AirPhysics, RssiRoundsHalfAwayFromZeroAndClampsAsLroundWould) {
  // Every half and its neighbours one ulp away, across the whole range and beyond it.
  for (int k = -300; k <= 40; ++k) {
    const double half = k / 2.0;
    for (const double v : {half, std::nextafter(half, -1e9), std::nextafter(half, 1e9)})
      ASSERT_EQ(rssi_of(v), reference_rssi(v)) << v;
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dbm(-160.0, 30.0);
  for (int i = 0; i < 1'000'000; ++i) {
    const double v = dbm(rng);
    ASSERT_EQ(rssi_of(v), reference_rssi(v)) << v;
  }
  EXPECT_EQ(rssi_of(-0.0), 0);
  EXPECT_EQ(rssi_of(-0.5), -1);
  EXPECT_EQ(rssi_of(-0.49999999999999994), 0);
  EXPECT_EQ(rssi_of(-126.5), -127);
  EXPECT_EQ(rssi_of(-1e300), -127);
  EXPECT_EQ(rssi_of(25.0), 0);
}
