// The C++ bad-input table: every public call of ESPNow, the link and the airs
// with out-of-range and malformed arguments. Each gets its documented error,
// nothing changes, and the device still works afterwards.
#include <gtest/gtest.h>
#include "support/expect.hpp"

#include <climits>
#include <functional>
#include <string>

#include "espnow/radio/udp_air.hpp"
#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:aa:aa:aa:aa:aa"_mac;
constexpr MacAddress kB = "02:bb:bb:bb:bb:bb"_mac;
constexpr MacAddress kC = "02:cc:cc:cc:cc:cc"_mac;

struct Case {
  std::string what;
  std::function<Result<void>(ESPNow&)> call;  // a Result<T>'s error passes as its code
  std::error_code expected;
};

std::error_code err(const Result<bool>& r) { return r.error(); }

std::vector<Case> cases() {
  static const std::uint8_t k5[5] = {}, k15[15] = {}, k17[17] = {};
  static const std::vector<std::uint8_t> big(MAX_DATA_LEN + 1, 'x'), huge(MAX_DATA_LEN_V2 + 1, 'x');
  // Every bad argument is ESP_ERR_ESPNOW_ARG, with a detail saying which (the
  // Python binding checks its own arguments and raises ValueError first).
  const std::error_code arg = errc::arg, not_found = errc::not_found, exist = errc::exist;
  return {
      {"config rxbuf -1", [](ESPNow& e) { return e.config({.rxbuf = -1}); }, arg},
      {"config rxbuf INT64_MIN", [](ESPNow& e) { return e.config({.rxbuf = INT64_MIN}); }, arg},
      {"config rxbuf INT64_MAX", [](ESPNow& e) { return e.config({.rxbuf = INT64_MAX}); }, arg},
      {"config rate -1", [](ESPNow& e) { return e.config({.rate = -1}); }, arg},
      {"config rate 4 (not in the table)", [](ESPNow& e) { return e.config({.rate = 4}); }, arg},
      {"config rate 256", [](ESPNow& e) { return e.config({.rate = 256}); }, arg},
      {"config rate INT64_MAX", [](ESPNow& e) { return e.config({.rate = INT64_MAX}); }, arg},
      {"config version 0", [](ESPNow& e) { return e.config({.version = 0}); }, arg},
      {"config version 3", [](ESPNow& e) { return e.config({.version = 3}); }, arg},
      {"config version INT64_MIN", [](ESPNow& e) { return e.config({.version = INT64_MIN}); }, arg},
      {"config get ''", [](ESPNow& e) { return e.config("").error(); }, arg},
      {"config get 'rate' (write-only)", [](ESPNow& e) { return e.config("rate").error(); }, arg},
      {"config get 'RXBUF'", [](ESPNow& e) { return e.config("RXBUF").error(); }, arg},
      {"add_peer channel -1", [](ESPNow& e) { return e.add_peer(kC, {.channel = -1}); }, arg},
      {"add_peer channel 15", [](ESPNow& e) { return e.add_peer(kC, {.channel = 15}); }, arg},
      {"add_peer channel INT_MAX", [](ESPNow& e) { return e.add_peer(kC, {.channel = INT_MAX}); }, arg},
      {"add_peer ifidx -1", [](ESPNow& e) { return e.add_peer(kC, {.ifidx = -1}); }, arg},
      {"add_peer ifidx 2", [](ESPNow& e) { return e.add_peer(kC, {.ifidx = 2}); }, arg},
      {"add_peer ifidx INT_MIN", [](ESPNow& e) { return e.add_peer(kC, {.ifidx = INT_MIN}); }, arg},
      {"add_peer lmk of 5 bytes", [](ESPNow& e) { return e.add_peer(kC, {.lmk = std::span(k5)}); }, arg},
      {"add_peer lmk of 17 bytes", [](ESPNow& e) { return e.add_peer(kC, {.lmk = std::span(k17)}); }, arg},
      {"add_peer broadcast encrypted", [](ESPNow& e) { return e.add_peer(MacAddress::broadcast(), {.encrypt = true}); }, arg},
      {"add_peer multicast with a key", [](ESPNow& e) { return e.add_peer("03:00:00:00:00:01"_mac, {.lmk = std::span(k17).first(16)}); }, arg},
      {"add_peer an existing peer", [](ESPNow& e) { return e.add_peer(kB); }, exist},
      {"mod_peer unknown", [](ESPNow& e) { return e.mod_peer(kC); }, not_found},
      {"mod_peer channel 99", [](ESPNow& e) { return e.mod_peer(kB, {.channel = 99}); }, arg},
      {"mod_peer lmk of 15 bytes", [](ESPNow& e) { return e.mod_peer(kB, {.lmk = std::span(k15)}); }, arg},
      {"del_peer unknown", [](ESPNow& e) { return e.del_peer(kC); }, not_found},
      {"get_peer unknown", [](ESPNow& e) { return e.get_peer(kC).error(); }, not_found},
      {"set_pmk empty", [](ESPNow& e) { return e.set_pmk({}); }, arg},
      {"set_pmk 15 bytes", [](ESPNow& e) { return e.set_pmk(std::span(k15)); }, arg},
      {"set_pmk 17 bytes", [](ESPNow& e) { return e.set_pmk(std::span(k17)); }, arg},
      {"send empty", [](ESPNow& e) { return err(e.send(kB, {})); }, arg},
      {"send 251 bytes (v1)", [](ESPNow& e) { return err(e.send(kB, big)); }, arg},
      {"send 1471 bytes", [](ESPNow& e) { return err(e.send(kB, huge)); }, arg},
      {"send to an unknown peer", [](ESPNow& e) { return err(e.send(kC, bytes("x"))); }, not_found},
      {"send to unregistered broadcast", [](ESPNow& e) { return err(e.send(MacAddress::broadcast(), bytes("x"))); }, not_found},
      {"send_to_all empty", [](ESPNow& e) { return err(e.send_to_all({})); }, arg},
      {"start_send empty", [](ESPNow& e) { SendTicket t; return e.start_send(&kB, {}, t); }, arg},
      {"start_send unknown", [](ESPNow& e) { SendTicket t; return e.start_send(&kC, bytes("x"), t); }, not_found},
      {"recvinto an empty buffer with a message waiting",
       [](ESPNow& e) { std::span<std::uint8_t> none; return e.recvinto(none, nullptr, 0).error(); },
       std::make_error_code(std::errc::message_size)},
  };
}

class BadInput : public ::testing::TestWithParam<std::size_t> {
 protected:
  void SetUp() override {
    ASSERT_OK(a.espnow().active(true));
    ASSERT_OK(b.espnow().active(true));
    ASSERT_OK(a.espnow().add_peer(kB));
    ASSERT_OK(b.espnow().add_peer(kA));
    ASSERT_TRUE(*b.espnow().send(kA, bytes("waiting")));  // a message in A's buffer
  }
  // The same state as before the bad call, and a device that still works.
  void expect_unchanged_and_working() {
    ESPNow& e = a.espnow();
    EXPECT_EQ(*e.config("rxbuf"), 526);
    EXPECT_EQ(*e.config("timeout_ms"), 300000);
    EXPECT_EQ(*e.config("version"), 1);
    EXPECT_EQ(e.peer_count()->total, 1);
    EXPECT_FALSE(e.get_peer(kB)->encrypt);
    EXPECT_EQ(e.get_peer(kB)->channel, 0);
    auto waiting = e.recv(0);
    ASSERT_TRUE(waiting.ok() && *waiting);
    EXPECT_EQ(std::string((*waiting)->msg.begin(), (*waiting)->msg.end()), "waiting");
    EXPECT_TRUE(*e.send(kB, bytes("still works")));
    auto got = b.espnow().recv(0);
    ASSERT_TRUE(got.ok() && *got);
    EXPECT_EQ((*got)->mac, kA);
  }
  SimDevices air;
  SimDevice& a = **air.add_device({.mac = kA});
  SimDevice& b = **air.add_device({.mac = kB});
};

}  // namespace

TEST_P(BadInput, GetsItsDocumentedErrorAndChangesNothing) {
  const Case c = cases()[GetParam()];
  SCOPED_TRACE(c.what);
  EXPECT_ERR(c.call(a.espnow()), c.expected) << c.what;
  expect_unchanged_and_working();
}

INSTANTIATE_TEST_SUITE_P(EveryCall, BadInput, ::testing::Range<std::size_t>(0, cases().size()),
                         [](const auto& param_info) {
                           std::string name = cases()[param_info.param].what;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(BadInputAirs, DevicesWithAGroupMacOrABadChannelAreRefused) {
  SimDevices air;
  EXPECT_EQ(air.add_device({.mac = "01:00:5e:00:00:01"_mac}).error(), errc::arg);
  EXPECT_EQ(air.add_device({.mac = kA, .channel = 0}).error(), errc::arg);
  EXPECT_EQ(air.add_device({.mac = kA, .channel = 15}).error(), errc::arg);
  EXPECT_EQ(air.size(), 0u);
  auto& d = **air.add_device({.mac = kA});
  EXPECT_EQ(d.radio().set_channel(0), errc::arg);
  EXPECT_EQ(d.radio().set_channel(255), errc::arg);
  EXPECT_EQ(d.radio().set_mac(Interface::sta, MacAddress::broadcast()), errc::arg);
  EXPECT_EQ(d.radio().channel(), 1);
  EXPECT_EQ(d.mac(), kA);
}

TEST(BadInputAirs, MalformedAirUrlsAndMacsSayWhatIsWrong) {
  for (const char* url : {"", "udp://", "tcp://239.255.0.1:1", "udp://239.255.0.1:0", "udp://239.255.0.1:99999",
                          "udp://10.0.0.1:47474", "udp://239.255.0.1:47474?ttl=-1", "udp://239.255.0.1:47474?bogus=1",
                          "udp://239.255.0.1:x"}) {
    const Result<AirUrl> r = parse_air_url(url);
    EXPECT_ERR(r, std::errc::invalid_argument) << url;
    EXPECT_FALSE(r.detail().empty()) << url;
  }
  for (const char* mac : {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "gg:bb:cc:dd:ee:ff", "aa-bb:cc:dd:ee:ff",
                          "aabbccddeef", "aa:bb:cc:dd:ee:f"}) {
    EXPECT_FALSE(MacAddress::parse(mac)) << mac;
  }
}

TEST(BadInputLink, TheLinkRefusesWhatTheEspIdfCallsRefuse) {
  SimDevices air;
  SoftLink& link = (*air.add_device({.mac = kA}))->link();
  PeerInfo p{.mac = kB};
  EXPECT_ERR(link.add_peer(p), errc::not_init);
  ASSERT_FALSE(link.init());
  p.channel = 15;
  EXPECT_ERR(link.add_peer(p), errc::arg);
  p.channel = 0;
  p.ifidx = static_cast<Interface>(7);
  EXPECT_ERR(link.add_peer(p), errc::arg);
  p.ifidx = Interface::sta;
  ASSERT_OK(link.add_peer(p));
  EXPECT_EQ(link.send(&kB, {}), errc::arg);
  EXPECT_EQ(link.send(nullptr, std::vector<std::uint8_t>(MAX_DATA_LEN + 1)), errc::arg);
  EXPECT_EQ(link.set_protocol_version(0), errc::arg);
  EXPECT_EQ(link.set_protocol_version(3), errc::arg);
  EXPECT_ERR(link.del_peer(kC), errc::not_found);
  PeerCount n;
  ASSERT_FALSE(link.get_peer_num(n));
  EXPECT_EQ(n.total, 1);
}
