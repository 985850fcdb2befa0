// The UDP air: URLs, the datagram codec, and two devices over real multicast.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "support/wait_for.hpp"
#include "support/expect.hpp"
#include "support/recording_listener.hpp"
#include "support/thread_signal_masks.hpp"
#include "espnow/wire/air_datagram.hpp"
#include "espnow/wire/frame.hpp"
#include "espnow/radio/udp_air.hpp"
#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

TEST(AirUrl, ParsesTheHostLocalAndLanForms) {
  auto r = parse_air_url("udp://239.255.10.20:47000");
  ASSERT_OK(r);
  EXPECT_EQ(r->group, "239.255.10.20");
  EXPECT_EQ(r->port, 47000);
  EXPECT_EQ(r->iface, "");
  EXPECT_EQ(r->ttl, 0);
  r = parse_air_url("udp://239.255.10.20:47000?iface=eth1&ttl=1");
  ASSERT_OK(r);
  EXPECT_EQ(r->iface, "eth1");
  EXPECT_EQ(r->ttl, 1);
  EXPECT_EQ(r->to_string(), "udp://239.255.10.20:47000?iface=eth1&ttl=1");
  EXPECT_TRUE(parse_air_url(kDefaultAirUrl).ok());
}

TEST(AirUrl, ABadUrlNamesThePartThatIsWrong) {
  auto starts = [](std::string_view url, std::string_view part) {
    const auto r = parse_air_url(url);
    return r.error() == std::errc::invalid_argument && r.detail().starts_with(part);
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
  const auto opened = UdpAir::open(*parse_air_url("udp://239.255.3.3:47003?iface=no-such-if0"));
  EXPECT_ERR(opened, std::errc::no_such_device);
  EXPECT_NE(opened.detail().find("no interface 'no-such-if0'"), std::string::npos) << opened.detail();
}

TEST(AirDatagram, RoundTripsItsHeaderAndFrame) {
  const std::uint8_t frame[20] = {0xD0, 1, 2, 3};
  const wire::AirHeader h{6, PhyRate::r54m, -3, {12.5, -4.25}, 0x1122334455667788ull, wire::AirKind::frame,
                          0xA1B2C3D4, 77, 70};
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
  EXPECT_EQ(p.header.tag, 0xA1B2C3D4u);
  EXPECT_EQ(p.header.stream, 77u);
  EXPECT_EQ(p.header.base, 70u);
  EXPECT_EQ(p.frame.size(), sizeof frame);
  EXPECT_EQ(wire::encode_air_datagram(h, frame, std::span(buf, 50)), 0u);
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
  EXPECT_EQ(error_after([](auto d) { d[4] = 1; }, n), wire::AirError::wrong_version);
  EXPECT_EQ(error_after([](auto d) { d[5] = 4; }, n), wire::AirError::bad_kind);
  EXPECT_EQ(error_after([](auto d) { d[6] = 15; }, n), wire::AirError::bad_channel);
  EXPECT_EQ(error_after([](auto d) { d[7] = 0x04; }, n), wire::AirError::bad_rate);
  EXPECT_EQ(error_after([](auto) {}, wire::kAirHeaderLen + 5), wire::AirError::no_frame);
}

constexpr MacAddress kAckedRa = "02:00:00:00:00:0a"_mac;

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

TEST(AirDatagram, OneAckPayloadCarriesTheTagsOfMoreFrames) {
  const std::uint32_t more[] = {7, 0xFFFFFFFE};
  std::array<std::uint8_t, wire::kAckFrameLen + 8> payload;
  ASSERT_EQ(wire::encode_acks(kAckedRa, more, payload), payload.size());
  EXPECT_EQ(wire::encode_acks(kAckedRa, more, std::span(payload).first(20)), 0u);
  MacAddress ra;
  EXPECT_TRUE(wire::parse_ack(std::span(payload).first(wire::kAckFrameLen), ra));  // an ACK frame first, as a sniffer sees it
  auto acks = wire::parse_acks(payload);
  ASSERT_TRUE(acks);
  EXPECT_EQ(acks->ra, kAckedRa);
  EXPECT_EQ(acks->more_tags, (std::vector<std::uint32_t>{7, 0xFFFFFFFE}));
  EXPECT_TRUE(wire::parse_acks(std::span(payload).first(wire::kAckFrameLen)));  // a plain ACK: no more tags
  EXPECT_FALSE(wire::parse_acks(std::span(payload).first(payload.size() - 1)));  // a partial tag
  payload[5] ^= 1;
  EXPECT_FALSE(wire::parse_acks(payload));  // the ACK frame's FCS
}

TEST(AirDatagram, PresenceRoundTripsAndABadLengthIsRefused) {
  wire::Presence p;
  p.bridged_channels = 1 << 6;
  p.radios.push_back({0x1234000000000001ull, "02:00:00:00:00:0a"_mac, "02:00:00:00:00:0b"_mac, true, false, true, 11,
                      {3.5, -2}});
  const auto bytes = wire::encode_presence(p);
  const auto back = wire::parse_presence(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bridged_channels, 1 << 6);
  ASSERT_EQ(back->radios.size(), 1u);
  const auto& r = back->radios[0];
  EXPECT_EQ(r.id, 0x1234000000000001ull);
  EXPECT_TRUE(r.owns("02:00:00:00:00:0a"_mac));
  EXPECT_FALSE(r.owns("02:00:00:00:00:0b"_mac));  // its AP interface is down
  EXPECT_TRUE(r.long_range);
  EXPECT_EQ(r.channel, 11);
  EXPECT_EQ(r.position.x, 3.5);
  EXPECT_FALSE(wire::parse_presence(std::span(bytes).first(bytes.size() - 1)));
  auto bad_channel = bytes;
  bad_channel[4 + 21] = 15;
  EXPECT_FALSE(wire::parse_presence(bad_channel));
}

namespace {
std::string private_air() {
  std::random_device rd;
  return "udp://239.255." + std::to_string(1 + rd() % 250) + "." + std::to_string(1 + rd() % 250) + ":" +
         std::to_string(20000 + rd() % 40000);
}
}  // namespace

TEST(UdpAir, TwoDevicesExchangeMessagesWithAcksOverMulticast) {
  auto opened = UdpAir::open(*parse_air_url(private_air()));
  ASSERT_OK(opened);
  UdpAir& air = **opened;
  SimDevice a(**air.add_radio({.mac = "02:00:00:00:00:0a"_mac}), {});
  SimDevice b(**air.add_radio({.mac = "02:00:00:00:00:0b"_mac, .position = {10, 0}}), {});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(b.mac()));
  ASSERT_OK(a.espnow().add_peer("02:00:00:00:00:99"_mac));
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

// ------------------------------------------------ presence, timing, window

namespace {

using Steady = std::chrono::steady_clock;
constexpr MacAddress kA = "02:00:00:00:00:0a"_mac, kB = "02:00:00:00:00:0b"_mac, kNobody = "02:00:00:00:00:99"_mac;

// The air's processes are slow to start under a loaded run: 20 s, not 10.
template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
  return test::wait_for(pred, limit);
}

std::unique_ptr<UdpAir> open_air(const std::string& url, UdpAirOptions options = {}) {
  auto opened = UdpAir::open(*parse_air_url(url), std::move(options));
  EXPECT_OK(opened);
  return opened.ok() ? std::move(opened).value() : nullptr;
}

// Waits until `air` has heard another process announce a radio owning `mac`
// in the state `ok` accepts.
template <class Ok>
bool announced(const UdpAir& air, const MacAddress& mac, Ok ok) {
  return eventually([&] {
    for (const auto& r : air.remote_radios())
      if ((r.sta == mac || r.ap == mac) && ok(r)) return true;
    return false;
  });
}
bool announced(const UdpAir& air, const MacAddress& mac) {
  return announced(air, mac, [](const wire::RadioPresence& r) { return r.sta_active || r.ap_active; });
}

// Records a radio's reports, in the order they come.
std::vector<std::uint8_t> frame_to(const MacAddress& dst, const MacAddress& src, std::uint16_t seq) {
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const std::uint8_t msg[4] = {'m', 's', 'g', static_cast<std::uint8_t>(seq)};
  const auto r = wire::encode({.dst = dst, .src = src, .sequence = seq}, msg, out);
  out.resize(r.size);
  return out;
}

// Two airs on one URL are two processes to each other: each its own
// presence, its own process id.
struct TwoProcesses {
  std::string url = private_air();
  std::unique_ptr<UdpAir> one, two;
  TwoProcesses(UdpAirOptions o1 = {}, UdpAirOptions o2 = {})
      : one(open_air(url, std::move(o1))), two(open_air(url, std::move(o2))) {
    EXPECT_TRUE(eventually([&] { return one->settled() && two->settled(); }));
  }
};

}  // namespace

// Ctrl-C goes to the application: a signal the kernel gave one of the air's
// threads would leave the application's own thread asleep (library_thread.hpp).
TEST(UdpAir, ItsThreadsLeaveTheProcessSignalsToTheApplication) {
  auto opened = UdpAir::open(*parse_air_url(private_air()));
  ASSERT_OK(opened);
  SimDevice a(**(*opened)->add_radio({.mac = "02:00:00:00:00:0a"_mac}), {});
  ASSERT_OK(a.espnow().active(true));
  const auto threads = test::other_threads();
  ASSERT_GE(threads.size(), 2u);  // its receiver and its servicer
  for (const auto& t : threads) {
    EXPECT_TRUE(t.blocks(SIGINT)) << t.name;
    EXPECT_TRUE(t.blocks(SIGTERM)) << t.name;
  }
  (void)a.espnow().active(false);
}

TEST(UdpAirPresence, AUnicastToAMacNobodyOwnsFailsAfterSixAttemptsWithoutWaitingForAcks) {
  // An ACK wait so long that one would show: six of them take a minute.
  TwoProcesses p({.ack_timeout = std::chrono::seconds(10)});
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  ASSERT_OK(p.two->add_radio({.mac = kB}));
  std::atomic<int> attempts{0}, retries{0};
  p.two->set_sniffer([&](const SniffedFrame& f) {
    if (f.frame.size() > 24 && MacAddress::read(f.frame.data() + 4) == kNobody) ++attempts, retries += (f.frame[1] & 0x08) != 0;
  });
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  const auto t0 = Steady::now();
  ASSERT_FALSE(a.transmit(frame_to(kNobody, kA, 1), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 1; }));
  EXPECT_LT(Steady::now() - t0, std::chrono::seconds(5));
  EXPECT_FALSE(reports.reports()[0].acked);
  ASSERT_TRUE(eventually([&] { return attempts == 6; }));  // as a chip: the first and 5 retries
  EXPECT_EQ(retries, 5);
  EXPECT_EQ(p.one->stats().absent_failures, 1u);
  a.set_listener(nullptr);
  p.two->set_sniffer({});
}

TEST(UdpAirPresence, AnOwnerOnAnotherChannelSwitchedOffOrOutOfRangeIsAbsentTooAndReturnsWhenBack) {
  TwoProcesses p({.ack_timeout = std::chrono::seconds(10)});
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  UdpRadio& b = **p.two->add_radio({.mac = kB});
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  auto send_and_wait = [&](std::uint16_t seq) {
    const std::size_t before = reports.report_count();
    const auto t0 = Steady::now();
    EXPECT_FALSE(a.transmit(frame_to(kB, kA, seq), PhyRate::r1m));
    EXPECT_TRUE(eventually([&] { return reports.report_count() == before + 1; }));
    EXPECT_LT(Steady::now() - t0, std::chrono::seconds(5));  // no 10 s ACK wait
    return reports.reports().back().acked;
  };
  ASSERT_TRUE(announced(*p.one, kB));
  EXPECT_TRUE(send_and_wait(1));  // present: its real ACK
  ASSERT_FALSE(b.set_channel(6));  // announced at once
  ASSERT_TRUE(announced(*p.one, kB, [](const auto& r) { return r.channel == 6; }));
  EXPECT_FALSE(send_and_wait(2));
  ASSERT_FALSE(b.set_channel(1));
  b.set_active(Interface::sta, false);  // no setter tells the air: it finds out within 20 ms
  ASSERT_TRUE(announced(*p.one, kB, [](const auto& r) { return r.channel == 1 && !r.sta_active; }));
  EXPECT_FALSE(send_and_wait(3));
  b.set_active(Interface::sta, true);
  b.set_position({5000, 0});  // far below the 1 Mbps sensitivity
  ASSERT_TRUE(announced(*p.one, kB, [](const auto& r) { return r.sta_active && r.position.x == 5000; }));
  EXPECT_FALSE(send_and_wait(4));
  b.set_position({10, 0});
  ASSERT_TRUE(announced(*p.one, kB, [](const auto& r) { return r.position.x == 10; }));
  EXPECT_TRUE(send_and_wait(5));
  EXPECT_EQ(p.one->stats().absent_failures, 3u);
  a.set_listener(nullptr);
}

TEST(UdpAirPresence, APresentOwnerStillNeedsItsAckAndLossStillApplies) {
  const auto ack_timeout = std::chrono::milliseconds(20);
  TwoProcesses p({.ack_timeout = ack_timeout}, {.loss = 1.0});  // the second process hears nothing
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  ASSERT_OK(p.two->add_radio({.mac = kB}));
  ASSERT_TRUE(announced(*p.one, kB));
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  const auto t0 = Steady::now();
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 1; }));
  EXPECT_GE(Steady::now() - t0, 6 * ack_timeout);  // six real ACK waits
  EXPECT_FALSE(reports.reports()[0].acked);
  EXPECT_EQ(p.one->stats().absent_failures, 0u);
  a.set_listener(nullptr);
}

TEST(UdpAirPresence, ASyncSendRightAfterAnAsyncOneToAnAbsentPeerSucceeds) {
  TwoProcesses p;
  SimDevice a(**p.one->add_radio({.mac = kA}), {});
  SimDevice b(**p.two->add_radio({.mac = kB}), {});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB));
  ASSERT_TRUE(announced(*p.one, kB));
  ASSERT_OK(a.espnow().add_peer(kNobody));
  EXPECT_TRUE(*a.espnow().send(kNobody, bytes("gone"), false));
  EXPECT_TRUE(*a.espnow().send(kB, bytes("here"), true));  // its report waits behind the first one's
  const Stats s = a.espnow().stats();
  EXPECT_EQ(s.tx_responses, 2u);
  EXPECT_EQ(s.tx_failures, 1u);
  (void)a.espnow().active(false);
  (void)b.espnow().active(false);
}

TEST(UdpAirPresence, AGoodbyeMakesTheOwnersMacAbsentAtOnce) {
  const std::string url = private_air();
  auto one = open_air(url, {.ack_timeout = std::chrono::seconds(10)});
  auto two = open_air(url);
  UdpRadio& a = **one->add_radio({.mac = kA});
  ASSERT_OK(two->add_radio({.mac = kB}));
  ASSERT_TRUE(eventually([&] { return one->settled() && one->stats().announcements_received >= 1; }));
  two.reset();  // says goodbye
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  // The goodbye may still be on its way: an unanswered frame then waits 10 s per attempt.
  ASSERT_TRUE(eventually([&] {
    const auto t0 = Steady::now();
    const std::size_t before = reports.report_count();
    EXPECT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r1m));
    EXPECT_TRUE(eventually([&] { return reports.report_count() == before + 1; }, std::chrono::seconds(90)));
    return Steady::now() - t0 < std::chrono::seconds(5);
  }));
  a.set_listener(nullptr);
}

TEST(UdpAirPresence, TwoProcessesClaimingOneMacAreBothWarnedOnce) {
  std::mutex m;
  std::vector<std::string> warnings1, warnings2;
  auto collect = [&m](std::vector<std::string>& into) {
    return [&m, &into](std::string_view line) {
      std::lock_guard lk(m);
      into.emplace_back(line);
    };
  };
  TwoProcesses p({.warn = collect(warnings1)}, {.warn = collect(warnings2)});
  ASSERT_OK(p.one->add_radio({.mac = kA}));
  ASSERT_OK(p.two->add_radio({.mac = kB, .ap_mac = kA, .ap_active = true}));  // its AP interface has A's MAC
  ASSERT_TRUE(eventually([&] { return p.one->stats().duplicate_macs == 1 && p.two->stats().duplicate_macs == 1; }));
  std::lock_guard lk(m);
  ASSERT_EQ(warnings1.size(), 1u);
  ASSERT_EQ(warnings2.size(), 1u);
  EXPECT_NE(warnings1[0].find("02:00:00:00:00:0a"), std::string::npos) << warnings1[0];
  EXPECT_NE(warnings2[0].find("both acknowledge"), std::string::npos) << warnings2[0];
}

TEST(UdpAirPresence, ABridgedChannelWaitsForRealAcksForMacsNobodyAnnounced) {
  const auto ack_timeout = std::chrono::milliseconds(20);
  // The bridge announces only when its state changes: a periodic announcement
  // from before serve_as_bridge (due as the air settles) would otherwise pass
  // for the bridge's and leave kNobody absent.
  TwoProcesses p({.ack_timeout = ack_timeout}, {.announce_interval = std::chrono::hours(1)});
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  p.two->serve_as_bridge(1);
  ASSERT_TRUE(eventually([&] { return p.one->stats().announcements_received >= 1; }));  // its only announcement
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  const auto t0 = Steady::now();
  ASSERT_FALSE(a.transmit(frame_to(kNobody, kA, 1), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 1; }));
  EXPECT_GE(Steady::now() - t0, 6 * ack_timeout);  // it may be a real device behind the bridge
  // A real radio's ACK, relayed by the bridge (no tag), acknowledges the frame awaiting one.
  std::array<std::uint8_t, wire::kAckFrameLen> ack;
  wire::encode_ack(kA, ack);
  ASSERT_FALSE(a.transmit(frame_to(kNobody, kA, 2), PhyRate::r1m));
  EXPECT_TRUE(p.two->relay(ack, 1, PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 2; }));
  EXPECT_TRUE(reports.reports()[1].acked);
  a.set_listener(nullptr);
}

TEST(UdpAirWindow, ReportsKeepTransmitOrderAcrossPresentAbsentAndBroadcastFrames) {
  TwoProcesses p;
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  ASSERT_OK(p.two->add_radio({.mac = kB}));
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  ASSERT_TRUE(announced(*p.one, kB));
  const MacAddress order[] = {kB, kNobody, MacAddress::broadcast(), kB, kNobody, kB};
  for (std::uint16_t i = 0; i < 6; ++i) ASSERT_FALSE(a.transmit(frame_to(order[i], kA, i), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 6; }));
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(reports.reports()[i].dst, order[i]) << i;
    EXPECT_EQ(reports.reports()[i].acked, order[i] != kNobody) << i;
  }
  a.set_listener(nullptr);
}

namespace {
// Puts one datagram on the air at `url`, as another process would.
void inject(const std::string& url, const wire::AirHeader& h, std::span<const std::uint8_t> payload) {
  const AirUrl u = *parse_air_url(url);
  std::vector<std::uint8_t> d(wire::kAirHeaderLen + payload.size());
  ASSERT_EQ(wire::encode_air_datagram(h, payload, d), d.size());
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  in_addr lo{};
  inet_pton(AF_INET, "127.0.0.1", &lo);
  setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(u.port);
  inet_pton(AF_INET, u.group.c_str(), &to.sin_addr);
  EXPECT_EQ(sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to), ssize_t(d.size()));
  close(fd);
}
}  // namespace

TEST(UdpAirWindow, OneAckDatagramAcknowledgesEveryFrameItNames) {
  TwoProcesses p({.ack_timeout = std::chrono::seconds(10)}, {.loss = 1.0});  // B never answers itself
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  ASSERT_OK(p.two->add_radio({.mac = kB}));
  ASSERT_TRUE(announced(*p.one, kB));
  std::atomic<int> acks_seen{0};
  p.one->set_sniffer([&](const SniffedFrame& f) { acks_seen += f.frame.size() == wire::kAckFrameLen; });
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  for (std::uint16_t i = 0; i < 3; ++i) ASSERT_FALSE(a.transmit(frame_to(kB, kA, i), PhyRate::r1m));
  // A new radio tags its frames 1, 2, 3: one datagram ACKs the first in its
  // header and the other two after the ACK frame.
  const std::uint32_t more[] = {2, 3};
  std::array<std::uint8_t, wire::kAckFrameLen + 8> payload;
  ASSERT_EQ(wire::encode_acks(kA, more, payload), payload.size());
  wire::AirHeader h{1, PhyRate::r1m, 20, {}, 0x7000000000000001ull};
  h.tag = 1;
  inject(p.url, h, payload);
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 3; }, std::chrono::seconds(5)));  // not the 10 s ACK wait
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(reports.reports()[i].acked) << i;
  EXPECT_EQ(acks_seen, 3);  // one ACK frame per frame acknowledged, as on a real air
  EXPECT_EQ(p.one->stats().acks_received, 3u);
  a.set_listener(nullptr);
  p.one->set_sniffer({});
}

TEST(UdpAir, OwnDatagramsWakeNobodyWhileNothingHereCouldUseThem) {
  TwoProcesses p;
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  UdpRadio& b = **p.two->add_radio({.mac = kB});
  espnow::test::RecordingListener reports;
  a.set_listener(&reports);
  const std::uint64_t before = p.one->stats().datagrams_received;
  for (std::uint16_t i = 0; i < 20; ++i) {
    ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), kA, i), PhyRate::r1m));
    ASSERT_TRUE(eventually([&] { return reports.report_count() == i + 1u; }));  // room in the queue
  }
  ASSERT_FALSE(b.transmit(frame_to(MacAddress::broadcast(), kB, 1), PhyRate::r1m));  // read after ours would be
  ASSERT_TRUE(eventually([&] { return p.one->stats().deliveries == 1; }));
  EXPECT_LT(p.one->stats().datagrams_received - before, 20u);  // B's frame and presence, none of ours
  // A sniffer sees our own frames again, and so does a second radio.
  std::atomic<int> own_seen{0};
  p.one->set_sniffer([&](const SniffedFrame& f) { own_seen += f.own; });
  UdpRadio& c = **p.one->add_radio({.mac = "02:00:00:00:00:0c"_mac});
  ASSERT_FALSE(a.transmit(frame_to(MacAddress::broadcast(), kA, 21), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return own_seen >= 1 && p.one->stats().deliveries == 2; }));  // c heard a
  (void)c;
  p.one->set_sniffer({});
  a.set_listener(nullptr);
}

TEST(UdpAirWindow, AFullQueueSaysNoMem) {
  TwoProcesses p({.ack_timeout = std::chrono::seconds(10)}, {.loss = 1.0});
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  ASSERT_OK(p.two->add_radio({.mac = kB}));
  ASSERT_TRUE(announced(*p.one, kB));
  const auto queue = static_cast<std::uint16_t>(UdpAirOptions{}.tx_queue_len);
  ASSERT_EQ(queue, 32);  // a board's default number of Wi-Fi transmit buffers
  for (std::uint16_t i = 0; i < queue; ++i) ASSERT_FALSE(a.transmit(frame_to(kB, kA, i), PhyRate::r1m)) << i;
  EXPECT_EQ(a.transmit(frame_to(kB, kA, queue), PhyRate::r1m), make_error_code(errc::no_mem));
}

TEST(UdpAirWindow, UnderLossEveryMessageArrivesOnceAndInOrderAndEveryAckedOneArrives) {
  TwoProcesses p({.seed = 3, .loss = 0.25, .ack_timeout = std::chrono::milliseconds(20)},
                 {.seed = 4, .loss = 0.25, .ack_timeout = std::chrono::milliseconds(20)});
  SimDevice a(**p.one->add_radio({.mac = kA}), {});
  SimDevice b(**p.two->add_radio({.mac = kB}), {});
  ASSERT_OK(a.espnow().active(true));
  ASSERT_OK(b.espnow().config({.rxbuf = 1 << 16}));
  ASSERT_OK(b.espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB));
  ASSERT_TRUE(announced(*p.one, kB));
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(*a.espnow().send(kB, bytes(std::to_string(i)), false));
  ASSERT_TRUE(eventually([&] { return a.espnow().stats().tx_responses == kCount; }, std::chrono::seconds(120)));
  const Stats s = a.espnow().stats();
  std::vector<int> got;
  for (;;) {
    auto m = *b.espnow().recv(0);
    if (!m) break;
    got.push_back(std::stoi(std::string(m->msg.begin(), m->msg.end())));
  }
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end());  // none twice
  EXPECT_GE(got.size(), kCount - s.tx_failures);                    // every ACKed one arrived
  EXPECT_GT(p.two->stats().lost, 0u);
  (void)a.espnow().active(false);
  (void)b.espnow().active(false);
}

// A round trip wakes each side twice (its ACK, then the answer), and each
// wait first spins briefly (Clock::brief_wait). Every wait must see the wake
// that ends it, however the spin ends: a wake that came just after a spin
// gave up was once slept through, hanging a sender in send(sync=True). A
// slept-through wake shows here as a 10 s timeout.
TEST(UdpAir, ThousandsOfRoundTripsNeverSleepThroughAWakeUp) {
  TwoProcesses p;
  SimDevice a(**p.one->add_radio({.mac = kA}), {});
  SimDevice b(**p.two->add_radio({.mac = kB}), {});
  for (SimDevice* d : {&a, &b}) ASSERT_OK(d->espnow().active(true));
  ASSERT_OK(a.espnow().add_peer(kB));
  ASSERT_OK(b.espnow().add_peer(kA));
  ASSERT_TRUE(announced(*p.one, kB));
  ASSERT_TRUE(announced(*p.two, kA));
  constexpr int kRounds = 3000;
  std::atomic<int> echoed{0};
  std::thread echo([&] {
    while (echoed < kRounds) {
      auto m = b.espnow().irecv(10000);
      if (!m.ok() || !m->mac) return;  // the main thread reports the round that stalled
      if (!*b.espnow().send(kA, m->msg, true)) return;
      ++echoed;
    }
  });
  int round = 0;
  for (; round < kRounds; ++round) {
    if (!*a.espnow().send(kB, bytes("ping"), true)) break;
    auto m = a.espnow().irecv(10000);
    if (!m.ok() || !m->mac) break;
  }
  echo.join();
  EXPECT_EQ(round, kRounds);
  EXPECT_EQ(echoed.load(), kRounds);
  (void)a.espnow().active(false);
  (void)b.espnow().active(false);
}

// A sniffer (esp_wifi_set_promiscuous) in another process hears a unicast
// between two radios, and every attempt of one to a MAC nobody owns; it
// acknowledges neither, so the owner's ACK is the only one and the absent
// MAC still fails.
TEST(UdpAirSniffer, APromiscuousRadioOverhearsUnicastsAndNeverAcknowledgesThem) {
  TwoProcesses p;
  UdpRadio& a = **p.one->add_radio({.mac = kA});
  UdpRadio& b = **p.two->add_radio({.mac = kB});
  UdpRadio& sniffer = **p.two->add_radio({.mac = "02:00:00:00:00:5f"_mac, .position = {0, 5}, .sta_active = false});
  sniffer.set_promiscuous(true);
  espnow::test::RecordingListener reports, at_b, heard;
  a.set_listener(&reports);
  b.set_listener(&at_b);
  sniffer.set_listener(&heard);
  ASSERT_TRUE(announced(*p.one, kB));
  ASSERT_FALSE(a.transmit(frame_to(kB, kA, 1), PhyRate::r1m));
  ASSERT_FALSE(a.transmit(frame_to(kNobody, kA, 2), PhyRate::r1m));
  ASSERT_TRUE(eventually([&] { return reports.report_count() == 2 && heard.frame_count() >= 2; }));
  EXPECT_EQ(reports.acks(), (std::vector<bool>{true, false}));
  EXPECT_EQ(at_b.frame_count(), 1u);
  const auto frames = heard.frames();
  EXPECT_EQ(MacAddress::read(frames[0].bytes.data() + 4), kB);
  EXPECT_EQ(frames[0].rx_ctrl.rssi_dbm, rssi_dbm(PathLoss{}, {0, 0}, {0, 5}, 20.0));
  for (std::size_t k = 1; k < frames.size(); ++k) EXPECT_EQ(MacAddress::read(frames[k].bytes.data() + 4), kNobody);
  EXPECT_EQ(p.two->stats().acks_sent, 1u);  // B's alone
  for (UdpRadio* r : {&a, &b, &sniffer}) r->set_listener(nullptr);
}
