// SoftLink over a radio whose reports the test times (ScriptedRadio).
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "support/scripted_radio.hpp"
#include "support/expect.hpp"
#include "espnow/api/espnow.hpp"
#include "espnow/link/soft_link.hpp"
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
