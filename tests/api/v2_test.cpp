// ESP-NOW v2: 1470-byte messages between v2 devices, and what v1 devices do.
#include <gtest/gtest.h>
#include "support/expect.hpp"

#include "espnow/api/idf_config.hpp"
#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

class V2 : public ::testing::Test {
 protected:
  V2() {
    EXPECT_OK(a.espnow().config({.version = 2}));
    EXPECT_OK(b.espnow().config({.version = 2}));
    for (SimDevice* d : {&a, &b, &old}) EXPECT_OK(d->espnow().active(true));
    EXPECT_OK(a.espnow().add_peer(b.mac()));
    EXPECT_OK(a.espnow().add_peer(old.mac()));
    EXPECT_OK(old.espnow().add_peer(b.mac()));
  }
  static std::vector<std::uint8_t> message(std::size_t n) {
    std::vector<std::uint8_t> m(n);
    for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<std::uint8_t>(i * 7);
    return m;
  }
  SimDevices air;
  SimDevice& a = **air.add_device({.mac = "02:00:00:00:00:0a"_mac});
  SimDevice& b = **air.add_device({.mac = "02:00:00:00:00:0b"_mac});
  SimDevice& old = **air.add_device({.mac = "02:00:00:00:00:01"_mac});  // stays v1
};

}  // namespace

TEST_F(V2, ConfigSetsAndGetsTheProtocolVersion) {
  EXPECT_EQ(*a.espnow().config("version"), 2);
  EXPECT_EQ(*old.espnow().config("version"), 1);
  EXPECT_ERR(a.espnow().config({.version = 3}), errc::arg);
  EXPECT_EQ(*a.espnow().config("version"), 2);
}

TEST_F(V2, DevicesExchange251And1000And1470ByteMessages) {
  ASSERT_OK(b.espnow().config({.rxbuf = 8000}));
  ASSERT_OK(b.espnow().active(false));
  ASSERT_OK(b.espnow().active(true));
  for (std::size_t n : {251u, 1000u, 1470u}) {
    ASSERT_TRUE(*a.espnow().send(b.mac(), message(n))) << n;
    auto m = *b.espnow().recv(0);
    ASSERT_TRUE(m) << n;
    EXPECT_EQ(m->msg, message(n));
  }
}

TEST_F(V2, MessagesOver1470BytesAreArg) {
  EXPECT_EQ(a.espnow().send(b.mac(), message(1471)).error(), errc::arg);
  EXPECT_EQ(old.espnow().send(b.mac(), message(251)).error(), errc::arg);  // v1 stops at 250
  // The detail says why: the most common ARG a new user meets.
  EXPECT_EQ(a.espnow().send(b.mac(), message(1471)).detail(), "a message has 1 to 1470 bytes (ESP-NOW v2), not 1471");
  EXPECT_EQ(old.espnow().send(b.mac(), message(251)).detail(),
            "a message has 1 to 250 bytes (ESP-NOW v1; v2 takes 1470), not 251");
  SendTicket ticket;
  const MacAddress to = b.mac();
  EXPECT_EQ(old.espnow().start_send(&to, {}, ticket).detail(),
            "a message has 1 to 250 bytes (ESP-NOW v1; v2 takes 1470), not 0");
}

TEST_F(V2, AV1DeviceDropsAV2MessageOver250BytesAndCountsIt) {
  EXPECT_TRUE(*a.espnow().send(old.mac(), message(600)));  // its radio still ACKs
  EXPECT_FALSE(old.espnow().recv(0)->has_value());
  EXPECT_EQ(old.link().stats().rx_too_long, 1u);
  EXPECT_TRUE(*a.espnow().send(old.mac(), message(200)));  // a short v2 message is fine
  EXPECT_EQ((*old.espnow().recv(0))->msg, message(200));
}

TEST_F(V2, V2DevicesReceiveV1Messages) {
  EXPECT_TRUE(*old.espnow().send(b.mac(), message(250)));
  EXPECT_EQ((*b.espnow().recv(0))->msg, message(250));
}

TEST_F(V2, TheDefaultReceiveBufferHoldsTwo1470ByteMessagesAndDropsTheThird) {
  EXPECT_EQ(*b.espnow().config("rxbuf"), 2 * (14 + 1470));  // MicroPython's 2968 on ESP-IDF >= 5.4
  EXPECT_EQ(*old.espnow().config("rxbuf"), 526);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*a.espnow().send(b.mac(), message(1470)));
  EXPECT_EQ(b.espnow().stats().rx_packets, 2u);
  EXPECT_EQ(b.espnow().stats().rx_dropped, 1u);
}

TEST_F(V2, AVersionChangeWhileActiveTakesTheDefaultBufferWithItKeepingWhatItHolds) {
  // `old` is active with the v1 buffer (526 bytes) and holds a message.
  EXPECT_TRUE(*a.espnow().send(old.mac(), message(100)));
  ASSERT_OK(old.espnow().config({.version = 2}));
  EXPECT_EQ(*old.espnow().config("rxbuf"), 2968);
  EXPECT_TRUE(*a.espnow().send(old.mac(), message(1470)));
  EXPECT_EQ(old.espnow().stats().rx_dropped, 0u);  // not ACKed, then dropped for want of room
  EXPECT_EQ((*old.espnow().recv(0))->msg, message(100));
  EXPECT_EQ((*old.espnow().recv(0))->msg, message(1470));
  // Back to v1 while active: the bigger buffer stays until the next active(true).
  ASSERT_OK(old.espnow().config({.version = 1}));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*a.espnow().send(old.mac(), message(200)));
  EXPECT_EQ(old.espnow().stats().rx_dropped, 0u);
}

TEST_F(V2, AnRxbufSetByHandWaitsForTheNextActivationWhateverTheVersion) {
  ASSERT_OK(old.espnow().config({.rxbuf = 526}));
  ASSERT_OK(old.espnow().config({.version = 2}));
  EXPECT_EQ(*old.espnow().config("rxbuf"), 526);
  EXPECT_TRUE(*a.espnow().send(old.mac(), message(1470)));
  EXPECT_EQ(old.espnow().stats().rx_dropped, 1u);  // as the user sized it
}

TEST_F(V2, KconfigDefaultsFollowTheVersionAndKeepIt) {
  ASSERT_OK(b.espnow().config(kconfig_defaults()));
  EXPECT_EQ(*b.espnow().config("version"), 2);
  EXPECT_EQ(*b.espnow().config("rxbuf"), 2968);  // not the v1 figure: a 1470-byte message fits
  ASSERT_OK(b.espnow().active(false));
  ASSERT_OK(b.espnow().active(true));
  EXPECT_TRUE(*a.espnow().send(b.mac(), message(1470)));
  EXPECT_EQ((*b.espnow().recv(0))->msg, message(1470));
  ASSERT_OK(old.espnow().config(kconfig_defaults()));
  EXPECT_EQ(*old.espnow().config("rxbuf"), 526);
}
