#include <gtest/gtest.h>

#include "espnow/wire/mac_address.hpp"

using namespace espnow;
using namespace espnow::literals;

static_assert("ff:ff:ff:ff:ff:ff"_mac.is_broadcast());
static_assert("bb:bb:bb:bb:bb:bb"_mac.is_multicast(), "0xbb has the group bit set");
static_assert("ba:bb:bb:bb:bb:bb"_mac.is_unicast());
static_assert(MacAddress::parse("aa:bb:cc:dd:ee:f").error == MacParseError::wrong_length);
static_assert("01:02:03:04:05:06"_mac.to_text().view() == "01:02:03:04:05:06");

TEST(MacAddress, ParsesAndFormats) {
  const auto r = MacAddress::parse("24:0A:c4:11:22:33");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.mac.bytes, (std::array<std::uint8_t, 6>{0x24, 0x0a, 0xc4, 0x11, 0x22, 0x33}));
  EXPECT_EQ(r.mac.to_text().view(), "24:0a:c4:11:22:33");
  EXPECT_TRUE(MacAddress::parse("24-0a-c4-11-22-33").ok());
  EXPECT_EQ(MacAddress::parse("240AC4112233").mac, r.mac);  // the gateway's topics spell it so
}

TEST(MacAddress, ReportsWhyAParseFailed) {
  EXPECT_EQ(MacAddress::parse("").error, MacParseError::wrong_length);
  EXPECT_EQ(MacAddress::parse("24:0a:c4:11:22:33:44").error, MacParseError::wrong_length);
  EXPECT_EQ(MacAddress::parse("240ac411223").error, MacParseError::wrong_length);
  EXPECT_EQ(MacAddress::parse("240ac411223g").error, MacParseError::bad_hex_digit);
  EXPECT_EQ(MacAddress::parse("24:0ac411223").error, MacParseError::bad_hex_digit);
  EXPECT_EQ(MacAddress::parse("24:0a:c4:11:22:3g").error, MacParseError::bad_hex_digit);
  EXPECT_EQ(MacAddress::parse("24:0a:c4-11:22:33").error, MacParseError::bad_separator);
  EXPECT_EQ(MacAddress::parse("24.0a.c4.11.22.33").error, MacParseError::bad_separator);
  EXPECT_EQ(to_string(MacParseError::bad_hex_digit), "bad hex digit");
}

TEST(MacAddress, GroupAndBroadcastPredicates) {
  EXPECT_TRUE(MacAddress::broadcast().is_multicast());
  EXPECT_TRUE("01:00:5e:00:00:01"_mac.is_multicast());
  EXPECT_FALSE("01:00:5e:00:00:01"_mac.is_broadcast());
  EXPECT_TRUE("aa:aa:aa:aa:aa:aa"_mac.is_unicast());
  EXPECT_TRUE(MacAddress{}.is_zero());
}

TEST(MacAddress, ReadsLikeEveryOtherResult) {
  const auto r = espnow::MacAddress::parse("02:AA:bb:cc:dd:0e");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value(), *r);
  EXPECT_EQ(espnow::to_string(r.value()), "02:aa:bb:cc:dd:0e");
  EXPECT_EQ(espnow::to_string(espnow::MacAddress{}), "00:00:00:00:00:00");
}
