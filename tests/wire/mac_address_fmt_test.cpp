// MacAddress with {fmt}: the opt-in formatter gives the same text as
// to_string() and honours string format specs.
#include <gtest/gtest.h>

#include "espnow/wire/mac_address_fmt.hpp"

using namespace espnow::literals;

TEST(MacAddressFmt, FormatsAsColonSeparatedLowerCaseHex) {
  const espnow::MacAddress mac = "AA:0b:cc:dd:ee:0F"_mac;
  EXPECT_EQ(fmt::format("{}", mac), "aa:0b:cc:dd:ee:0f");
  EXPECT_EQ(fmt::format("{}", mac), espnow::to_string(mac));
}

TEST(MacAddressFmt, HonoursStringSpecs) {
  const espnow::MacAddress mac = "02:00:00:00:00:01"_mac;
  EXPECT_EQ(fmt::format("[{:>19}]", mac), "[  02:00:00:00:00:01]");
  EXPECT_EQ(fmt::format("[{:<18}]", mac), "[02:00:00:00:00:01 ]");
  EXPECT_EQ(fmt::format("{} -> {}", mac, espnow::MacAddress::broadcast()), "02:00:00:00:00:01 -> ff:ff:ff:ff:ff:ff");
}
