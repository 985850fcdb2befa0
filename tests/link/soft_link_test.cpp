// SoftLink over a radio whose reports the test times (ScriptedRadio).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <tuple>
#include <vector>

#include "support/scripted_radio.hpp"
#include "support/expect.hpp"
#include "espnow/api/espnow.hpp"
#include "espnow/link/soft_link.hpp"
#include "espnow/wire/beacon.hpp"
#include "espnow/wire/ccmp.hpp"
#include "espnow/wire/frame.hpp"

using namespace espnow;
using namespace espnow::literals;

namespace {

constexpr MacAddress kA = "02:00:00:00:00:0a"_mac;
constexpr MacAddress kB = "02:00:00:00:00:0b"_mac;

class SoftLinkReports : public ::testing::Test {
 protected:
  SoftLinkReports() {
    EXPECT_OK(e.active(true));
    EXPECT_OK(e.add_peer(kB));
  }
  test::ScriptedRadio radio{kA};
  SoftLink link{radio};
  ESPNow e{link};
};

}  // namespace

TEST_F(SoftLinkReports, ReportsOfFramesQueuedBeforeDeactivationNeverReachTheNextActivation) {
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(*e.send(kB, bytes("old"), false));
  ASSERT_EQ(radio.queued(), 2u);
  ASSERT_OK(e.active(false));  // the two sends count as failed responses now
  ASSERT_OK(e.active(true));
  ASSERT_OK(e.add_peer(kB));

  SendTicket ticket;
  ASSERT_OK(e.start_send(&kB, bytes("new"), ticket));
  ASSERT_TRUE(radio.report_next(false));  // the old activation's frames fail late
  ASSERT_TRUE(radio.report_next(false));
  EXPECT_FALSE(ticket.done) << "a stale report completed the new activation's send";
  ASSERT_TRUE(radio.report_next(true));   // the new frame is acknowledged
  EXPECT_TRUE(ticket.done);
  EXPECT_FALSE(ticket.failed);
  const Stats s = e.stats();
  EXPECT_EQ(s.tx_pkts, 3u);
  EXPECT_EQ(s.tx_responses, 3u);  // not 5: the late reports are not counted twice
  EXPECT_EQ(s.tx_failures, 2u);
}

TEST_F(SoftLinkReports, NoReportReachesADeinitializedLink) {
  ASSERT_TRUE(*e.send(kB, bytes("x"), false));
  ASSERT_OK(e.active(false));
  ASSERT_TRUE(radio.report_next(true));
  EXPECT_EQ(e.stats().tx_responses, 1u);  // the one fail_all_pending counted
  EXPECT_EQ(e.stats().tx_failures, 1u);
}

namespace {

// A frame as B's link sends it, to `dst`.
std::vector<std::uint8_t> frame_to(const MacAddress& dst, std::string_view text, std::uint16_t sequence) {
  wire::FrameParams params{.dst = dst, .src = kB, .version = 1, .rate = PhyRate::r1m};
  params.sequence = sequence;
  params.random = 0x1234u + sequence;
  std::vector<std::uint8_t> out(wire::kMaxFrameSize);
  const auto r = wire::encode(params, bytes(text), out);
  out.resize(r.size);
  return out;
}

// Delivers `frame`, then its MAC retry (the same frame, retry bit set),
// which `frame` is afterwards.
void deliver_and_retry(test::ScriptedRadio& radio, std::vector<std::uint8_t>& frame) {
  radio.deliver(frame);
  wire::set_retry(frame, true);
  radio.deliver(frame);
}

struct Received {
  int count = 0;
  static void on(void* ctx, const RecvInfo&, std::span<const std::uint8_t>) { ++static_cast<Received*>(ctx)->count; }
};

}  // namespace

// The duplicate filter drops a MAC retry of a unicast frame it took. A
// broadcast is sent once and never retried (no ACK), so the filter neither
// reads nor keeps broadcasts: a broadcast does not push a unicast sender's
// last frame out of its 16 entries.
TEST(SoftLinkDuplicates, AUnicastRetryIsDroppedABroadcastIsNotLookedUp) {
  test::ScriptedRadio radio{kA};
  SoftLink link{radio};
  Received got;
  link.register_recv_cb(&Received::on, &got);
  ASSERT_OK(link.init());
  auto unicast = frame_to(kA, "to A", 7);
  deliver_and_retry(radio, unicast);
  EXPECT_EQ(got.count, 1);
  EXPECT_EQ(link.stats().rx_duplicates, 1u);

  auto broadcast = frame_to(MacAddress::broadcast(), "to all", 8);
  deliver_and_retry(radio, broadcast);  // no sender does this: a broadcast has one attempt
  EXPECT_EQ(got.count, 3);
  EXPECT_EQ(link.stats().rx_duplicates, 1u);
  radio.deliver(unicast);  // B's last unicast is still known after its broadcasts
  EXPECT_EQ(got.count, 3);
  EXPECT_EQ(link.stats().rx_duplicates, 2u);
}

// A link whose every call and delivery come from one thread (espnow sim)
// receives as any other, counts what it drops, and a receive callback may
// deinit it: later frames are not delivered.
TEST(SoftLinkOneThread, ReceivesCountsAndMayBeDeinitializedFromItsOwnCallback) {
  test::ScriptedRadio radio{kA};
  SoftLink link{radio, SoftLinkOptions{.one_thread = true}};
  struct Stopper {
    SoftLink* link;
    int count = 0;
    static void on(void* ctx, const RecvInfo&, std::span<const std::uint8_t> msg) {
      auto& s = *static_cast<Stopper*>(ctx);
      ++s.count;
      if (std::string_view(reinterpret_cast<const char*>(msg.data()), msg.size()) == "stop") (void)s.link->deinit();
    }
  } stopper{&link};
  link.register_recv_cb(&Stopper::on, &stopper);
  ASSERT_OK(link.init());
  radio.deliver(frame_to(MacAddress::broadcast(), "one", 1));
  radio.deliver(frame_to("02:00:00:00:00:0c"_mac, "not for A", 2));
  auto unicast = frame_to(kA, "two", 3);
  deliver_and_retry(radio, unicast);
  EXPECT_EQ(stopper.count, 2);
  EXPECT_EQ(link.stats().rx_frames, 2u);
  EXPECT_EQ(link.stats().rx_not_for_us, 1u);
  EXPECT_EQ(link.stats().rx_duplicates, 1u);
  radio.deliver(frame_to(MacAddress::broadcast(), "stop", 4));  // returns: it does not wait for itself
  EXPECT_EQ(stopper.count, 3);
  EXPECT_FALSE(link.initialized());
  radio.deliver(frame_to(MacAddress::broadcast(), "after", 5));
  EXPECT_EQ(stopper.count, 3);
  EXPECT_EQ(link.stats().rx_frames, 3u);
}

// A link keeps CCMP state only for peers that encrypt: one that never does
// is small (espnow sim holds 10,000), and a peer added in the clear that
// later encrypts gets its key then, its packet numbers starting at 1 and
// carrying on when it stops and starts encrypting again.
TEST(SoftLinkCrypto, OnlyPeersThatEncryptHoldCipherStateAndTheirPacketNumbersCarryOn) {
  EXPECT_LT(sizeof(SoftLink), 1536u);  // 4.2 kB while every link held 20 cipher slots
  test::ScriptedRadio radio{kA, true};
  SoftLink link{radio};
  ASSERT_OK(link.init());
  PeerInfo peer{.mac = kB};
  ASSERT_OK(link.add_peer(peer));
  const auto msg = bytes("hello");
  const auto packet_number = [&] {
    std::uint64_t pn = 0;
    return wire::read_pn(radio.sent.back(), pn) ? pn : 0;
  };
  ASSERT_OK(link.send(&kB, msg));
  EXPECT_FALSE(radio.sent.back()[1] & wire::kFlagProtected);
  peer.encrypt = true;
  peer.lmk.fill(7);
  ASSERT_OK(link.mod_peer(peer));
  for (std::uint64_t expected : {1u, 2u}) {
    ASSERT_OK(link.send(&kB, msg));
    ASSERT_TRUE(radio.sent.back()[1] & wire::kFlagProtected);
    EXPECT_EQ(packet_number(), expected);
  }
  peer.encrypt = false;
  ASSERT_OK(link.mod_peer(peer));
  ASSERT_OK(link.send(&kB, msg));
  EXPECT_FALSE(radio.sent.back()[1] & wire::kFlagProtected);
  peer.encrypt = true;
  ASSERT_OK(link.mod_peer(peer));
  ASSERT_OK(link.send(&kB, msg));
  EXPECT_EQ(packet_number(), 3u);  // never reused
}

namespace {

// What a link's receive callback was given, in order.
struct Messages {
  std::vector<std::tuple<MacAddress, MacAddress, std::vector<std::uint8_t>>> got;
  static void on(void* ctx, const RecvInfo& info, std::span<const std::uint8_t> msg) {
    static_cast<Messages*>(ctx)->got.emplace_back(info.src, info.dst, std::vector<std::uint8_t>(msg.begin(), msg.end()));
  }
};

// A link of A that speaks v2 and knows B as an encrypting peer.
void listen_as_a(SoftLink& link, Messages& messages, const Key& lmk) {
  link.register_recv_cb(&Messages::on, &messages);
  ASSERT_OK(link.init());
  ASSERT_OK(link.set_protocol_version(2));
  PeerInfo b{.mac = kB, .encrypt = true};
  b.lmk = lmk;
  ASSERT_OK(link.add_peer(b));
}

}  // namespace

// A radio that decodes each frame once for every link that hears it (espnow
// sim) hands the decode along; the link then receives exactly what it would
// have from the bytes: the same messages (v1, a v2 message in several
// elements, an encrypted one), the same drops and the same counters.
TEST(SoftLinkDecodedFrames, AreReceivedExactlyAsTheirBytesWouldBe) {
  Key lmk{};
  lmk.fill(9);
  std::vector<std::vector<std::uint8_t>> frames;
  frames.push_back(frame_to(MacAddress::broadcast(), "hello all", 1));
  frames.push_back(frame_to(kA, "hello A", 2));
  frames.push_back(frames.back());
  wire::set_retry(frames.back(), true);  // its MAC retry: a duplicate
  frames.push_back(frame_to("02:00:00:00:00:0c"_mac, "not for A", 3));
  {
    wire::FrameParams v2{.dst = kA, .src = kB, .sequence = 4, .random = 44, .version = 2};
    std::vector<std::uint8_t> out(wire::kMaxFrameSize);
    const std::vector<std::uint8_t> long_message(700, 0x5a);
    out.resize(wire::encode(v2, long_message, out).size);
    frames.push_back(out);
  }
  {
    test::ScriptedRadio b_radio{kB, true};
    SoftLink b{b_radio};
    ASSERT_OK(b.init());
    PeerInfo a{.mac = kA, .encrypt = true};
    a.lmk = lmk;
    ASSERT_OK(b.add_peer(a));
    ASSERT_OK(b.send(&kA, bytes("secret")));
    frames.push_back(b_radio.sent.back());
  }
  frames.push_back(frames[1]);
  frames.back().insert(frames.back().end(), {1, 2, 3, 4});  // a second FCS: malformed since IDF 5.3.2

  test::ScriptedRadio raw_radio{kA}, decoded_radio{kA};
  SoftLink raw{raw_radio}, decoded{decoded_radio};
  Messages from_raw, from_decoded;
  listen_as_a(raw, from_raw, lmk);
  listen_as_a(decoded, from_decoded, lmk);
  std::size_t elements = 0;
  for (const auto& f : frames) {
    raw_radio.deliver(f);
    std::array<std::uint8_t, wire::kMaxMessageV2> storage;
    const wire::DecodeResult d = wire::decode(f, wire::Fcs::trusted, storage);
    elements = std::max(elements, d.frame.elements);
    decoded_radio.deliver_decoded(f, d);
  }
  EXPECT_GT(elements, 1u);  // the v2 message came in several elements
  ASSERT_EQ(from_raw.got.size(), 4u);  // broadcast, unicast, v2, encrypted
  const auto secret = bytes("secret");
  EXPECT_EQ(std::get<2>(from_raw.got[3]), std::vector<std::uint8_t>(secret.begin(), secret.end()));
  EXPECT_EQ(from_decoded.got, from_raw.got);
  const LinkStats r = raw.stats(), d = decoded.stats();
  EXPECT_EQ(d.rx_frames, r.rx_frames);
  EXPECT_EQ(d.rx_duplicates, 1u);
  EXPECT_EQ(d.rx_not_for_us, 1u);
  EXPECT_EQ(d.rx_malformed, 1u);
  EXPECT_EQ(r.rx_duplicates, 1u);
  EXPECT_EQ(r.rx_not_for_us, 1u);
  EXPECT_EQ(r.rx_malformed, 1u);
}

// ESP-IDF hands its ESP-NOW stack Espressif's vendor action frames only: a
// router's beacon, another vendor's action frame, a data frame reach the
// radio (and a sniffer), not the link, and are no malformed ESP-NOW frames.
// An ESP-NOW frame with broken elements still is.
TEST(SoftLinkOtherFrames, AreNotEspNowsAndNotMalformed) {
  Key lmk{};
  Messages messages;
  test::ScriptedRadio radio{kA};
  SoftLink link{radio};
  listen_as_a(link, messages, lmk);
  radio.deliver(wire::encode_beacon({.bssid = "02:a9:00:00:00:01"_mac, .ssid = "home", .channel = 1}));
  auto other_vendor = frame_to(kA, "not espressif's", 1);
  other_vendor[25] ^= 0xFF;  // the action's OUI, after the category byte
  radio.deliver(other_vendor);
  auto other_category = frame_to(kA, "a spectrum action", 2);
  other_category[24] = 0;
  radio.deliver(other_category);
  auto data = frame_to(kA, "a data frame", 3);
  data[0] = 0x08;
  radio.deliver(data);
  EXPECT_EQ(link.stats().rx_malformed, 0u);
  auto broken = frame_to(kA, "broken element", 4);
  broken[wire::kHeaderLen + 9] ^= 0x40;  // the vendor element's length
  radio.deliver(broken);
  radio.deliver(frame_to(kA, "fine", 5));
  EXPECT_EQ(link.stats().rx_malformed, 1u);
  ASSERT_EQ(messages.got.size(), 1u);
  EXPECT_EQ(std::get<2>(messages.got[0]), std::vector<std::uint8_t>({'f', 'i', 'n', 'e'}));
}
