// What IdfLink adds over the behaviour table: it reports the driver's
// protocol version and cannot change it, it needs Wi-Fi started first, and
// links on different chips of one process each get their own callbacks.
#include <gtest/gtest.h>

#include "support/idf_devices.hpp"
#include "support/manual_clock.hpp"
#include "espnow/api/idf_config.hpp"
#include "support/wait_for.hpp"
#include "support/expect.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {
constexpr MacAddress kA = "02:00:00:00:0a:00"_mac;
constexpr MacAddress kB = "02:00:00:00:0b:00"_mac;
}  // namespace

TEST(IdfLink, ReportsTheDriversVersionAndRefusesToChangeIt) {
  test::IdfAir air;
  test::IdfDevice& v2 = **air.add_device({.mac = kA}, {.version = 2});
  test::IdfDevice& v1 = **air.add_device({.mac = kB});
  EXPECT_EQ(*v2.espnow().config("version"), 2);
  EXPECT_EQ(v2.espnow().link().max_data_len(), 1470u);
  EXPECT_ERR(v2.espnow().config({.version = 1}), errc::arg);
  EXPECT_EQ(*v1.espnow().config("version"), 1);
  EXPECT_EQ(v1.espnow().link().max_data_len(), 250u);
  EXPECT_OK(v1.espnow().config({.version = 1}));
}

TEST(IdfLink, KconfigDefaultsAcceptWhateverVersionTheDriverSpeaks) {
  test::IdfAir air;
  test::IdfDevice& v2 = **air.add_device({.mac = kA}, {.version = 2});
  EXPECT_OK(v2.espnow().config(kconfig_defaults()));  // a v2 driver is no mismatch
  EXPECT_EQ(*v2.espnow().config("rxbuf"), 2968);
}

TEST(IdfLink, ALargeMessageCrossesBetweenV2Chips) {
  test::IdfAir air;
  test::IdfDevice& a = **air.add_device({.mac = kA}, {.version = 2});
  test::IdfDevice& b = **air.add_device({.mac = kB}, {.version = 2});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB));
  const std::vector<std::uint8_t> big(1470, 'v');
  EXPECT_TRUE(*a.espnow().send(kB, big));
  auto m = b.espnow().recv(1000);
  ASSERT_TRUE(m.ok() && *m);
  EXPECT_EQ((*m)->msg, big);
}

TEST(IdfLink, ActivationBeforeWifiIsInitialisedIsInternal) {
  SimAir air;
  auto chip = emul::EmulatedChip::create(air, {.radio = {.mac = kA}});
  ASSERT_TRUE(chip.ok());
  emul::ScopedChip use(chip->get());
  IdfLink link;
  ESPNow e(link);
  EXPECT_ERR(e.active(true), errc::internal);
  EXPECT_FALSE(e.active());
  EXPECT_FALSE(link.initialized());
}

TEST(IdfLink, EachChipsCallbacksReachItsOwnLink) {
  test::IdfAir air;
  test::IdfDevice& a = **air.add_device({.mac = kA});
  test::IdfDevice& b = **air.add_device({.mac = kB});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB));
  ASSERT_OK(b.espnow().add_peer(kA));
  EXPECT_TRUE(*a.espnow().send(kB, bytes("to b")));
  EXPECT_TRUE(*b.espnow().send(kA, bytes("to a")));
  EXPECT_EQ(a.espnow().stats().tx_responses, 1u);
  EXPECT_EQ(b.espnow().stats().tx_responses, 1u);
  auto at_a = a.espnow().recv(0);
  auto at_b = b.espnow().recv(0);
  ASSERT_TRUE(at_a.ok() && *at_a && at_b.ok() && *at_b);
  EXPECT_EQ((*at_a)->mac, kB);
  EXPECT_EQ((*at_b)->mac, kA);
}

// IdfAir gives its devices' ESPNow the clock it is given, as SimDevices does:
// on a manual clock a 5 s receive timeout is over at once and measures exactly.
TEST(IdfLink, TheDevicesWaitOnTheClockTheAirIsGiven) {
  test::ManualClock clock;
  test::IdfAir air({}, clock);
  test::IdfDevice& a = **air.add_device({.mac = kA});
  ASSERT_OK(a.espnow().active(true));
  const auto before = clock.now();
  const auto got = a.espnow().recv(5000);
  ASSERT_OK(got);
  EXPECT_FALSE(*got);  // timed out, nothing received
  EXPECT_EQ(clock.now() - before, std::chrono::seconds(5));
  EXPECT_GE(clock.timed_waits(), 1);
}
