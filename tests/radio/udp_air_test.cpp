// The UDP air: URLs, the datagram codec, and two devices over real multicast.
#include <gtest/gtest.h>

#include <random>

#include "espnow/air_datagram.hpp"
#include "espnow/frame.hpp"
#include "espnow/udp_air.hpp"
#include "espnow/virtual_air.hpp"

using namespace espnow;
using namespace espnow::literals;

TEST(AirUrl, ParsesTheHostLocalAndLanForms) {
  auto r = parse_air_url("udp://239.255.10.20:47000");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.group, "239.255.10.20");
  EXPECT_EQ(r.url.port, 47000);
  EXPECT_EQ(r.url.iface, "");
  EXPECT_EQ(r.url.ttl, 0);
  r = parse_air_url("udp://239.255.10.20:47000?iface=eth1&ttl=1");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.url.iface, "eth1");
  EXPECT_EQ(r.url.ttl, 1);
  EXPECT_EQ(r.url.to_string(), "udp://239.255.10.20:47000?iface=eth1&ttl=1");
  EXPECT_TRUE(parse_air_url(kDefaultAirUrl).ok());
}

TEST(AirUrl, ABadUrlNamesThePartThatIsWrong) {
  auto starts = [](std::string_view url, std::string_view part) {
    const auto r = parse_air_url(url);
    return !r.ok() && r.error.rfind(part, 0) == 0;
  };
  EXPECT_TRUE(starts("tcp://239.255.0.1:1", "scheme:"));
  EXPECT_TRUE(starts("udp://239.255.0.1", "port:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:0", "port:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:70000", "port:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:x1", "port:"));
  EXPECT_TRUE(starts("udp://10.1.2.3:4000", "group:"));
  EXPECT_TRUE(starts("udp://not-an-ip:4000", "group:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:4000?ttl=300", "ttl:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:4000?colour=red", "query:"));
  EXPECT_TRUE(starts("udp://239.255.0.1:4000?iface=", "query:"));
}

TEST(AirUrl, OpeningOnAMissingInterfaceSaysSo) {
  const auto opened = UdpAir::open(parse_air_url("udp://239.255.3.3:47003?iface=no-such-if0").url);
  EXPECT_FALSE(opened.air);
  EXPECT_NE(opened.error.find("no interface 'no-such-if0'"), std::string::npos) << opened.error;
}

TEST(AirDatagram, RoundTripsItsHeaderAndFrame) {
  const std::uint8_t frame[20] = {0xD0, 1, 2, 3};
  const wire::AirHeader h{6, PhyRate::r54m, -3, {12.5, -4.25}, 0x1122334455667788ull};
  std::uint8_t buf[64];
  const std::size_t n = wire::encode_air_datagram(h, frame, buf);
  ASSERT_EQ(n, wire::kAirHeaderLen + sizeof frame);
  const auto p = wire::parse_air_datagram(std::span(buf, n));
  ASSERT_TRUE(p.ok()) << wire::to_string(p.error);
  EXPECT_EQ(p.header.channel, 6);
  EXPECT_EQ(p.header.rate, PhyRate::r54m);
  EXPECT_EQ(p.header.tx_power_dbm, -3);
  EXPECT_EQ(p.header.position.x, 12.5);
  EXPECT_EQ(p.header.position.y, -4.25);
  EXPECT_EQ(p.header.sender_id, 0x1122334455667788ull);
  EXPECT_EQ(p.frame.size(), sizeof frame);
  EXPECT_EQ(wire::encode_air_datagram(h, frame, std::span(buf, 30)), 0u);
}

TEST(AirDatagram, RejectsWhatIsNotADatagramOfThisAir) {
  const std::uint8_t frame[20] = {};
  std::uint8_t buf[64];
  const std::size_t n = wire::encode_air_datagram({}, frame, buf);
  auto error_after = [&](auto edit, std::size_t size) {
    std::uint8_t copy[64];
    std::copy(buf, buf + n, copy);
    edit(copy);
    return wire::parse_air_datagram(std::span(copy, size)).error;
  };
  EXPECT_EQ(error_after([](auto) {}, 10), wire::AirError::too_short);
  EXPECT_EQ(error_after([](auto d) { d[0] = 'X'; }, n), wire::AirError::bad_magic);
  EXPECT_EQ(error_after([](auto d) { d[4] = 2; }, n), wire::AirError::wrong_version);
  EXPECT_EQ(error_after([](auto d) { d[6] = 15; }, n), wire::AirError::bad_channel);
  EXPECT_EQ(error_after([](auto d) { d[7] = 0x04; }, n), wire::AirError::bad_rate);
  EXPECT_EQ(error_after([](auto) {}, wire::kAirHeaderLen + 5), wire::AirError::no_frame);
}

TEST(AirDatagram, AckFramesCarryTheReceiverAddressAndAnFcs) {
  std::array<std::uint8_t, wire::kAckFrameLen> ack;
  wire::encode_ack("02:00:00:00:00:0a"_mac, ack);
  EXPECT_EQ(ack[0], 0xD4);
  MacAddress ra;
  ASSERT_TRUE(wire::parse_ack(ack, ra));
  EXPECT_EQ(ra, "02:00:00:00:00:0a"_mac);
  ack[5] ^= 1;
  EXPECT_FALSE(wire::parse_ack(ack, ra));  // FCS
}

namespace {
std::string private_air() {
  std::random_device rd;
  return "udp://239.255." + std::to_string(1 + rd() % 250) + "." + std::to_string(1 + rd() % 250) + ":" +
         std::to_string(20000 + rd() % 40000);
}
}  // namespace

TEST(UdpAir, TwoDevicesExchangeMessagesWithAcksOverMulticast) {
  auto opened = UdpAir::open(parse_air_url(private_air()).url);
  ASSERT_TRUE(opened.air) << opened.error;
  UdpAir& air = *opened.air;
  VirtualDevice a(**air.add_radio({.mac = "02:00:00:00:00:0a"_mac}), {});
  VirtualDevice b(**air.add_radio({.mac = "02:00:00:00:00:0b"_mac, .position = {10, 0}}), {});
  ASSERT_FALSE(a.espnow().active(true));
  ASSERT_FALSE(b.espnow().active(true));
  ASSERT_FALSE(a.espnow().add_peer(b.mac()));
  ASSERT_FALSE(a.espnow().add_peer("02:00:00:00:00:99"_mac));
  EXPECT_TRUE(*a.espnow().send(b.mac(), bytes("over udp")));
  auto m = *b.espnow().recv(2000);
  ASSERT_TRUE(m);
  EXPECT_EQ(std::string(m->msg.begin(), m->msg.end()), "over udp");
  const auto table = b.espnow().peers_table();
  EXPECT_EQ(table.at(0).second.rssi, -50);  // the same physics as the in-process air
  EXPECT_FALSE(*a.espnow().send("02:00:00:00:00:99"_mac, bytes("nobody")));
  EXPECT_GE(air.stats().acks_received, 1u);
  (void)a.espnow().active(false);
  (void)b.espnow().active(false);
}
